"""The floor for figure 1: the least a Python tool can do to list every image of the repository.

Start Python, import boto3, page through ``describe_images``, print the images as JSON. Run as a
child process exactly like ``ghaecr-console images --json``, with the same environment, so that both
pay the same interpreter start-up and the same server time.
"""

import json
import os
import sys

import boto3


def main() -> int:
    client = boto3.client("ecr")  # honours AWS_ENDPOINT_URL_ECR, AWS_DEFAULT_REGION and the keys
    images = []
    for page in client.get_paginator("describe_images").paginate(repositoryName=os.environ["GHAECR_ECR_REPOSITORY"]):
        for detail in page["imageDetails"]:
            images.append({
                "digest": detail["imageDigest"],
                "tags": detail.get("imageTags", []),
                "pushed_at": detail["imagePushedAt"].isoformat(),
                "size_bytes": detail.get("imageSizeInBytes", 0),
            })
    sys.stdout.write(json.dumps({"images": images}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
