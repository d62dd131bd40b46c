"""Calls demo.Echo through ringlb as USER: python3 grpc_client.py USER [TARGET]

TARGET is ringlb's cleartext port by default (127.0.0.1:5000, h2c). Each call carries x-user-id,
which lb.key=header:x-user-id routes on: one user's calls go to one replica.
"""
import sys

import grpc

user = sys.argv[1]
target = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1:5000"
with grpc.insecure_channel(target) as channel:
    metadata = [("x-user-id", user)]
    print(channel.unary_unary("/demo.Echo/Say")(b"hello", metadata=metadata, timeout=10).decode())
    print(", ".join(part.decode() for part in channel.unary_stream("/demo.Echo/Count")(b"3", metadata=metadata, timeout=10)))
    try:
        channel.unary_unary("/demo.Echo/Missing")(b"", metadata=metadata, timeout=10)
    except grpc.RpcError as error:
        print("Missing:", error.code().name)
