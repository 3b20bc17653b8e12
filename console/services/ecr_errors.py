"""Turn botocore failures into console.errors types with one sentence a person can act on."""

from __future__ import annotations

import os

from botocore import exceptions as bx

from console.errors import (
    AwsCredentialsError,
    AwsError,
    ConfigError,
    ConsoleError,
    EcrImageNotFound,
    EcrRepositoryNotFound,
    EcrThrottled,
    NetworkError,
)

_CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "RequestExpired",
    }
)
_THROTTLE_CODES = frozenset(
    {"ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException", "RequestLimitExceeded"}
)
_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})


def login_hint(profile: str | None) -> str:
    if profile:
        return f"run `aws sso login --profile {profile}` or set AWS credentials"
    return "run `aws sso login --profile <name>` (or `aws configure`) or set AWS credentials (AWS_ACCESS_KEY_ID/AWS_PROFILE)"


def map_aws_error(
    exc: BaseException,
    *,
    repository: str,
    region: str | None,
    profile: str | None,
    operation: str = "",
) -> ConsoleError:
    """The typed error for ``exc``; unknown failures become a plain AwsError naming the operation."""
    where = region or "the default region"
    profile = profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
    if isinstance(exc, ConsoleError):
        return exc
    if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return AwsCredentialsError(f"No AWS credentials found; {login_hint(profile)}.")
    if isinstance(exc, (bx.SSOError, bx.TokenRetrievalError, bx.CredentialRetrievalError, bx.NoAuthTokenError)):
        return AwsCredentialsError(f"The AWS SSO session or credentials expired or could not be loaded; {login_hint(profile)}.")
    if isinstance(exc, bx.ProfileNotFound):
        return AwsCredentialsError(
            f"AWS profile '{profile}' is not configured; add it with `aws configure sso --profile {profile}` or pass another --profile."
        )
    if isinstance(exc, bx.NoRegionError):
        return ConfigError("No AWS region is set; pass --region or set AWS_DEFAULT_REGION.")
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ConnectionClosedError, bx.ReadTimeoutError)):
        return NetworkError(f"Cannot reach the ECR endpoint ({_endpoint_of(exc)}); check the network, proxy or AWS_ENDPOINT_URL_ECR.")
    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        op = operation or getattr(exc, "operation_name", "") or "an ECR call"
        if code in _CREDENTIAL_CODES:
            return AwsCredentialsError(f"AWS rejected the credentials (expired or invalid); {login_hint(profile)}.")
        if code == "RepositoryNotFoundException":
            return EcrRepositoryNotFound(
                f"ECR repository '{repository}' does not exist in {where}; check --ecr-repo, --region and the AWS account."
            )
        if code in ("ImageNotFoundException", "ImageNotFound"):
            return EcrImageNotFound(f"Image not found in ECR repository '{repository}': {error.get('Message', '')}".rstrip(": ") + ".")
        if code in _THROTTLE_CODES:
            return EcrThrottled(f"ECR throttled {op} even after retries; wait a minute and try again.")
        if code in _DENIED_CODES:
            return AwsError(
                f"AWS denied {op} on '{repository}'; the identity needs the ecr:{op} permission on that repository."
            )
        return AwsError(f"ECR {op} failed on '{repository}' ({code or _status(exc)}): {_detail(error.get('Message'))}.")
    if isinstance(exc, bx.BotoCoreError):
        return AwsError(f"AWS call failed: {exc}.")
    if isinstance(exc, OSError):
        return NetworkError(f"Cannot reach the ECR endpoint: {exc}.")
    if isinstance(exc, RuntimeError) and "expired" in str(exc):
        # botocore's words when a credential_process (or a refresh) hands back expired credentials
        return AwsCredentialsError(f"The AWS credentials are expired (their source returned expired ones); {login_hint(profile)}.")
    return AwsError(f"Unexpected AWS failure ({type(exc).__name__}): {_detail(str(exc))}.")


def _status(exc: BaseException) -> str:
    status = getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
    return f"HTTP {status}" if status else "no error code"


def _detail(message: object) -> str:
    """AWS's message on one line; a proxy's or load balancer's HTML page is summarised, not printed."""
    text = " ".join(str(message or "no detail").split())
    if text.lstrip().startswith("<") or "<html" in text.lower():
        return "the endpoint answered with a web page, not an AWS error (a proxy or a wrong AWS_ENDPOINT_URL_ECR?)"
    return text if len(text) <= 200 else text[:199] + "…"


def _endpoint_of(exc: BaseException) -> str:
    return str(getattr(exc, "kwargs", {}).get("endpoint_url", "") or "unknown endpoint")
