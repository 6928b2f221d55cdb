"""A few calls of the Outcomes API for the benchmark scripts: sign in, choose a first password."""
import json
import sys
import urllib.request


class Client:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def call(self, method, path, body=None, cookie=None, csrf=None, token=None):
        """Answers the JSON body (or None) and the Set-Cookie header."""
        request = urllib.request.Request(self.base + path, method=method, data=None if body is None else json.dumps(body).encode())
        request.add_header("content-type", "application/json")
        if cookie:
            request.add_header("cookie", cookie)
        if csrf:
            request.add_header("x-csrf-token", csrf)
        if token:
            request.add_header("authorization", "Bearer " + token)
        with urllib.request.urlopen(request) as response:
            text = response.read().decode()
            return (json.loads(text) if text else None), response.headers.get("set-cookie", "")

    def login(self, name, password):
        """The session cookie and its CSRF token."""
        answer, cookie = self.call("POST", "/api/session", {"username": name, "password": password})
        return cookie.split(";")[0], answer["csrfToken"]

    def first_password(self, name, one_time, chosen):
        """Signs in with a one-time password, chooses one's own, signs in again."""
        cookie, csrf = self.login(name, one_time)
        self.call("POST", "/api/me/password", {"currentPassword": one_time, "newPassword": chosen}, cookie, csrf)
        return self.login(name, chosen)


def wrk_line(label, text):
    """One line of a wrk run's output (`--latency`): requests/s, p50, p99, requests and errors."""
    import re
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
    p50 = re.search(r"\s50%\s+(\S+)", text).group(1)
    p99 = re.search(r"\s99%\s+(\S+)", text).group(1)
    total = re.search(r"(\d+) requests in", text).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(r"Socket errors: (.*)", text)
    return (f"{label} {float(rps):7.0f} req/s  p50 {p50:>8}  p99 {p99:>8}  {total} requests, "
            f"{errors.group(1) if errors else 0} non-2xx, socket errors: {socket.group(1) if socket else 'none'}")


if __name__ == "__main__":
    # `python3 scripts/outcomes_client.py LABEL FILE`: a wrk output file as one line.
    print(wrk_line(sys.argv[1], open(sys.argv[2]).read()))
