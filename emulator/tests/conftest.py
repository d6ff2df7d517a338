"""Fixtures: one in-process moto server with annex_moto installed, and boto3 clients for it."""

import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import annex_moto  # noqa: E402

annex_moto.install()


@pytest.fixture(scope="session")
def endpoint():
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _host, port = server.get_host_and_port()
    annex_moto.set_server_port(port)
    yield f"http://127.0.0.1:{port}"
    server.stop()
    annex_moto.stop_background_evaluator()


@pytest.fixture
def client(endpoint):
    import boto3

    def make(service: str):
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    return make


@pytest.fixture
def unique():
    return uuid.uuid4().hex[:8]


@pytest.fixture
def evaluate(endpoint):
    import json
    import urllib.request

    def run(advance_seconds: float = 0):
        request = urllib.request.Request(
            f"{endpoint}/moto-api/ext/alarms/evaluate",
            data=json.dumps({"advanceSeconds": advance_seconds}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())

    return run
