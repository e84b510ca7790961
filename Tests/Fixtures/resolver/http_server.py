#!/usr/bin/env python3
"""Loopback HTTP server for the resolver tests (Python 3 standard library only).

Usage: python3 http_server.py ROOT LOGFILE
Listens on 127.0.0.1 on an ephemeral port and prints "PORT <n>" on stdout. Every request's path with
its query is appended as one line to LOGFILE before it is answered, so tests can count requests.
Exits when stdin reaches EOF (the test process ended or closed the pipe) or after 15 minutes.

Paths:
  /modules/<file>                     ROOT/<file> as application/x-gzip (query ignored)
  /redirect/<c1>-<c2>-.../<rest>      answers c1 with Location /redirect/<c2>-.../<rest>, ..., then /<rest>
  /loop                               302 to itself, forever
  /status/<code>                      that status with a short text body
  /html                               200 text/html, a landing page
  /text                               200 text/plain, not an archive
  /truncated/<file>                   Content-Length of the whole file, half the bytes, then close
  /slow/<delay_ms>/<chunk>/<file>     the file in <chunk>-byte pieces, <delay_ms> apart
  /stall/<file>                       the first 600 bytes, then nothing for 120 s
  /gzip-encoded/<file>                ROOT/<file> (a .tar.gz) as application/x-tar with Content-Encoding: gzip
"""
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(sys.argv[1])
LOG = sys.argv[2]
LOG_LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        with LOG_LOCK, open(LOG, "a") as log:
            log.write(self.path + "\n")
            log.flush()
        path = self.path.split("?", 1)[0]
        query = self.path[len(path):]
        parts = path.strip("/").split("/")
        try:
            kind = parts[0]
            if kind == "modules":
                self.send_file("/".join(parts[1:]))
            elif kind == "redirect":
                codes = parts[1].split("-")
                rest = "/".join(parts[2:])
                target = "/redirect/%s/%s" % ("-".join(codes[1:]), rest) if len(codes) > 1 else "/" + rest
                self.redirect(int(codes[0]), target + query)
            elif kind == "loop":
                self.redirect(302, "/loop" + query)
            elif kind == "status":
                self.send_body(int(parts[1]), "text/plain", b"status %s from the test server\n" % parts[1].encode())
            elif kind == "html":
                self.send_body(200, "text/html; charset=utf-8",
                               b"<!DOCTYPE html>\n<html><head><title>Models</title></head><body>moved</body></html>\n")
            elif kind == "text":
                self.send_body(200, "text/plain", b"just some text, not an archive at all\n" * 20)
            elif kind == "gzip-encoded":
                data = self.read("/".join(parts[1:]))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-tar")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            elif kind == "truncated":
                data = self.read("/".join(parts[1:]))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-gzip")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
            elif kind == "slow":
                delay, chunk = int(parts[1]) / 1000.0, int(parts[2])
                data = self.read("/".join(parts[3:]))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-gzip")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                for start in range(0, len(data), chunk):
                    self.wfile.write(data[start:start + chunk])
                    self.wfile.flush()
                    time.sleep(delay)
            elif kind == "stall":
                data = self.read("/".join(parts[1:]))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-gzip")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[:600])
                self.wfile.flush()
                time.sleep(120)
            else:
                self.send_body(404, "text/plain", b"no such test path\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def read(self, relative):
        full = os.path.abspath(os.path.join(ROOT, relative))
        if not full.startswith(ROOT + os.sep):
            raise FileNotFoundError(relative)
        with open(full, "rb") as f:
            return f.read()

    def send_file(self, relative):
        try:
            data = self.read(relative)
        except OSError:
            self.send_body(404, "text/plain", b"not found\n")
            return
        self.send_body(200, "application/x-gzip", data)

    def redirect(self, code, target):
        self.send_response(code)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_body(self, code, content_type, body):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def watch_stdin():
    try:
        while sys.stdin.buffer.read(1):
            pass
    finally:
        os._exit(0)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Timer(900, lambda: os._exit(0)).start()
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()
