#!/usr/bin/env python3
"""TLS in front of the live RT, as a district's reverse proxy would put it:
HTTPS on 127.0.0.1 with a certificate from a private CA, forwarding every
request to RT's plain HTTP port.

    tls-proxy.py PORT CERT KEY UPSTREAM_PORT
"""
import http.client
import http.server
import ssl
import sys

PORT, CERT, KEY, UPSTREAM = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
HOP = {"connection", "keep-alive", "transfer-encoding", "host"}


class Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection("127.0.0.1", UPSTREAM, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status, answer.reason)
        for k, v in answer.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = forward

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Forward)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(CERT, KEY)
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
