#!/usr/bin/env python3
"""A working day's mix against a running isj-tracker, beside wrk's readers: writers adding a
hearing through the case page's form, each write checked on the next GET of the case page and of
the agenda's count (a stale read is one that does not show it), and sign-ins with password and
TOTP, each person from their own loopback address.

usage: mix.py BASE_URL SECONDS CASE_ID WRITERS.json SIGN_INS.json
  WRITERS.json / SIGN_INS.json: [{"email", "password", "uri", "address"}, ...]
Prints one JSON object. Standard library only.
"""
import base64, hashlib, hmac, http.client, json, re, struct, sys, threading, time
import urllib.parse

base, seconds, case_id = sys.argv[1], float(sys.argv[2]), sys.argv[3]
writers = json.load(open(sys.argv[4]))
sign_ins = json.load(open(sys.argv[5]))
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port


def totp(uri, at):
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


class Session:
    """One person's browser: cookies, connections from their own address."""

    def __init__(self, address):
        self.address, self.cookies = address, {}

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection(host, port, timeout=30, source_address=(self.address, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Sec-Fetch-Site": "same-origin"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key] = val
        conn.close()
        return response.status, response.getheader("Location"), text

    def csrf(self, path):
        _, _, page = self.request("GET", path)
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    def post(self, path, fields, csrf):
        fields = dict(fields, csrf=csrf)
        return self.request("POST", path, urllib.parse.urlencode(fields))

    def sign_in(self, person):
        fields = {"email": person["email"], "password": person["password"]}
        status, _, _ = self.post("/login", fields, self.csrf("/login"))
        if status != 303:
            raise SystemExit(f"sign-in of {person['email']}: {status}")
        code = {"code": totp(person["uri"], time.time())}
        status, _, _ = self.post("/login/totp", code, self.csrf("/login/totp"))
        if status != 303:
            raise SystemExit(f"second factor of {person['email']}: {status}")


def agenda_count(page):
    found = re.search(r"(\d+) termen", page)
    return int(found.group(1)) if found else -1


def percentile(samples, p):
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


lock = threading.Lock()
done = {"writes": [], "stale": 0, "checked": 0, "sign_ins": [], "failures": []}
completed = [0]


def writer(index, session, start_count):
    # The form as a person has it open (the session's token serves every form).
    csrf = session.csrf(f"/cases/{case_id}")
    n = 0
    due = time.monotonic()
    while due < stop:
        time.sleep(max(0.0, due - time.monotonic()))
        due += 0.25
        began = time.monotonic()
        n += 1
        # A new hearing each time: its own day (within the agenda's year) and minute.
        day = time.strftime("%Y-%m-%d", time.localtime(time.time() + 86400 * (20 + (index * 150 + n) % 300)))
        minute = "%02d:%02d" % (8 + (n // 60) % 9, n % 60)
        fields = {"on": day, "time": minute}
        status, location, _ = session.post(f"/cases/{case_id}/hearings", fields, csrf)
        redirect_status, _, page = session.request("GET", location or f"/cases/{case_id}")
        took = time.monotonic() - began
        with lock:
            completed[0] += 1
            floor = start_count + completed[0]
        if status != 303 or redirect_status != 200:
            with lock:
                done["failures"].append(f"write {status}/{redirect_status}")
            continue
        shown = time.strftime("%d.%m.%Y", time.strptime(day, "%Y-%m-%d")) + " ora " + minute
        _, _, agenda = session.request("GET", "/hearings?days=365")
        with lock:
            done["writes"].append(took)
            done["checked"] += 1
            if shown not in page or agenda_count(agenda) < floor:
                done["stale"] += 1


def signer():
    due = time.monotonic()
    for person in sign_ins:
        if due >= stop:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        due += 2.0
        began = time.monotonic()
        Session(person["address"]).sign_in(person)
        with lock:
            done["sign_ins"].append(time.monotonic() - began)


# Everyone signs in once (a second sign-in within the same 30 s would replay the code).
sessions = []
for person in writers:
    session = Session(person["address"])
    session.sign_in(person)
    sessions.append(session)
_, _, agenda = sessions[0].request("GET", "/hearings?days=365")
start_count = agenda_count(agenda)
# The clock starts once everyone is at their desk.
stop = time.monotonic() + seconds
threads = [threading.Thread(target=writer, args=(i, s, start_count)) for i, s in enumerate(sessions)]
threads.append(threading.Thread(target=signer))
for t in threads:
    t.start()
for t in threads:
    t.join()
ms = lambda s: round(s * 1000, 1)
print(json.dumps({
    "writes": len(done["writes"]),
    "write_p50_ms": ms(percentile(done["writes"], 50)),
    "write_p99_ms": ms(percentile(done["writes"], 99)),
    "checked": done["checked"],
    "stale_reads": done["stale"],
    "sign_ins": len(done["sign_ins"]),
    "sign_in_p99_ms": ms(percentile(done["sign_ins"], 99)),
    "failures": done["failures"][:5],
}))
