"""The sandbox: GitHub stand-in, moto ECR server, pipeline simulator, seed data, fault injection."""
