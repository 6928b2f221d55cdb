"""A few calls of the Outcomes API for the benchmark scripts: sign in, choose a first password."""
import json
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
