"""The sandbox: GitHub stand-in, moto ECR server, pipeline simulator, seed data, fault injection.

    from console.sandbox import Sandbox
    with Sandbox(seed=7, speed=200) as sb:
        sb.github_url, sb.ecr_endpoint_url, sb.env(), sb.settings()
"""

from console.sandbox.faults import Faults
from console.sandbox.server import Sandbox

__all__ = ["Faults", "Sandbox"]
