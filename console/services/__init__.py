"""The only code that talks to the network: GitHub (githubkit, async) and ECR (boto3, in threads).

Returns model objects; raises console.errors types. No Textual here.
"""
