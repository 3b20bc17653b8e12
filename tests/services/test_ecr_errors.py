"""Every AWS failure a user can meet becomes one typed, actionable sentence (pure mapping)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, SSOTokenLoadError

from console.errors import AwsCredentialsError, AwsError, EcrImageNotFound, EcrRepositoryNotFound, EcrThrottled, NetworkError
from console.services.ecr_errors import map_aws_error


def client_error(code: str, operation: str = "DescribeImages") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "detail"}}, operation)


def mapped(exc: BaseException, profile: str | None = "ops"):
    return map_aws_error(exc, repository="shop", region="eu-west-1", profile=profile)


@pytest.mark.parametrize(
    ("exc", "kind", "sentence"),
    [
        (NoCredentialsError(), AwsCredentialsError, "aws sso login --profile ops"),
        (SSOTokenLoadError(error_msg="expired"), AwsCredentialsError, "aws sso login --profile ops"),
        (client_error("ExpiredTokenException"), AwsCredentialsError, "aws sso login --profile ops"),
        (client_error("UnrecognizedClientException"), AwsCredentialsError, "rejected the credentials"),
        (client_error("RepositoryNotFoundException"), EcrRepositoryNotFound, "'shop' does not exist in eu-west-1"),
        (client_error("ImageNotFoundException", "BatchGetImage"), EcrImageNotFound, "Image not found"),
        (client_error("ThrottlingException"), EcrThrottled, "even after retries"),
        (client_error("AccessDeniedException", "BatchDeleteImage"), AwsError, "needs the ecr:BatchDeleteImage permission"),
        (EndpointConnectionError(endpoint_url="https://api.ecr.eu-west-1.amazonaws.com/"), NetworkError, "Cannot reach"),
    ],
)
def test_mapping(exc, kind, sentence):
    error = mapped(exc)
    assert type(error) is kind
    assert sentence in str(error)
    assert "\n" not in str(error)
