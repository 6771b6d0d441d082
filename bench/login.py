#!/usr/bin/env python3
"""Signs in to a running isj-tracker (password + TOTP) and prints the session cookie pair.

usage: login.py BASE_URL EMAIL PASSWORD OTPAUTH_URI
Standard library only: TOTP (RFC 6238, SHA-1, 6 digits, 30 s) from the otpauth secret.
"""
import base64, hashlib, hmac, http.cookiejar, re, struct, sys, time, urllib.parse, urllib.request

base, email, password, uri = sys.argv[1:5]
secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
key = base64.b32decode(secret + "=" * (-len(secret) % 8))


def totp(at):
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def csrf(path):
    page = opener.open(base + path).read().decode()
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def post(path, fields):
    data = urllib.parse.urlencode(fields).encode()
    try:
        opener.open(urllib.request.Request(base + path, data=data, headers={"Sec-Fetch-Site": "same-origin"}))
    except urllib.error.HTTPError as e:
        if e.code != 303:
            sys.exit(f"{path}: HTTP {e.code}")


post("/login", {"csrf": csrf("/login"), "email": email, "password": password})
post("/login/totp", {"csrf": csrf("/login/totp"), "code": totp(time.time())})
session = [c for c in jar if c.name.endswith("isj_session")]
if not session:
    sys.exit("sign-in failed")
print(f"{session[0].name}={session[0].value}")
