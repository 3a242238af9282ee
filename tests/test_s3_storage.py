"""The S3 storage configuration, proven against a local S3 stand-in (moto's server on
127.0.0.1): uploads go to the private prefix, public copies to the public prefix, and
the public URL points at the public object."""

import importlib
import json
import os
import urllib.error
import urllib.request
from unittest import mock

import boto3
import pytest
from django.test import override_settings
from moto.server import ThreadedMotoServer

from statements import images
from statements.models import Image

from .factories import free_port
from .pictures import GOOD, jpeg_upload

pytestmark = pytest.mark.django_db


PUBLIC_READ_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::press-media/public/*",
            }
        ],
    }
)


@pytest.fixture
def s3_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
    with mock.patch.dict(os.environ, credentials):
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.create_bucket(Bucket="press-media")
        # What the README asks operators to set: anyone may read the public prefix.
        client.put_bucket_policy(Bucket="press-media", Policy=PUBLIC_READ_POLICY)
        yield endpoint, client
    server.stop()


def s3_storages(endpoint):
    env = {
        "PRESSOFFICE_S3_BUCKET": "press-media",
        "PRESSOFFICE_S3_ENDPOINT_URL": endpoint,
        "PRESSOFFICE_S3_REGION": "us-east-1",
        "DJANGO_LANGUAGES": "en,fa,ar,fr",
    }
    from pressoffice.settings import base

    try:
        with mock.patch.dict(os.environ, env):
            return importlib.reload(base).STORAGES
    finally:
        importlib.reload(base)


def keys(client) -> set[str]:
    listing = client.list_objects_v2(Bucket="press-media")
    return {item["Key"] for item in listing.get("Contents", [])}


def test_images_through_s3(s3_server):
    endpoint, client = s3_server
    with override_settings(STORAGES=s3_storages(endpoint)):
        file = jpeg_upload("photo.webp", GOOD["photo.webp"]())
        image = Image(alt_text="On S3")
        images.store_upload(image, file, images.inspect(file))
        images.save_with_renditions(image)
        stored = keys(client)
        assert f"private/{image.file.name}" in stored
        assert all(key.startswith("private/") for key in stored)
        images.publish_files(image)
        public = {key for key in keys(client) if key.startswith("public/")}
        assert len(public) == image.renditions.count()
        rendition = image.renditions.get(spec="w320-jpeg")
        assert rendition.public_url.startswith(f"{endpoint}/press-media/public/i/{image.public_token}/")
        with urllib.request.urlopen(rendition.public_url) as response:  # noqa: S310 - the local stand-in
            assert response.read()[:3] == b"\xff\xd8\xff"  # a JPEG
        private_url = f"{endpoint}/press-media/private/{image.file.name}"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(private_url)  # noqa: S310 - the local stand-in
        assert refused.value.code == 403
        images.unpublish_files(image)
        assert not any(key.startswith("public/") for key in keys(client))
