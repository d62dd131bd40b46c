"""A replica that speaks gRPC only, for trying ringlb's gRPC path: python3 grpc_replica.py NAME PORT [CERT KEY]

demo.Echo/Say answers "<NAME>: <what it was sent>"; demo.Echo/Count streams "<NAME> 1" to
"<NAME> n"; grpc.health.v1.Health/Check answers SERVING, so ringlb's gRPC heartbeats pass.
With CERT and KEY (PEM files) it serves TLS, HTTP/2 chosen by ALPN, as ringlb's
lb.forward.protocol=h2 expects. Messages are bytes, so no generated code is needed.
Debian: apt-get install python3-grpcio.
"""
import sys
from concurrent import futures

import grpc

name, port = sys.argv[1], int(sys.argv[2])
SERVING = b"\x08\x01"  # grpc.health.v1.HealthCheckResponse{status: SERVING}, as protobuf encodes it


def say(request, context):
    return f"{name}: ".encode() + request


def count(request, context):
    for i in range(1, int(request) + 1):
        yield f"{name} {i}".encode()


server = grpc.server(futures.ThreadPoolExecutor(max_workers=16), handlers=[
    grpc.method_handlers_generic_handler("demo.Echo", {
        "Say": grpc.unary_unary_rpc_method_handler(say),
        "Count": grpc.unary_stream_rpc_method_handler(count),
    }),
    grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
        "Check": grpc.unary_unary_rpc_method_handler(lambda request, context: SERVING),
    }),
])
if len(sys.argv) > 4:
    with open(sys.argv[3], "rb") as cert, open(sys.argv[4], "rb") as key:
        server.add_secure_port(f"127.0.0.1:{port}", grpc.ssl_server_credentials([(key.read(), cert.read())]))
else:
    server.add_insecure_port(f"127.0.0.1:{port}")
server.start()
server.wait_for_termination()
