"""A real IMAP server for the tests: Debian's Dovecot, configured in a temporary folder and
listening on loopback (STARTTLS and implicit TLS), with a throwaway certificate."""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from bidboard.cli.localserver import free_port

USER = "alerts@example.test"
PASSWORD = "imap-test-password-0001"

_CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


_QUIET: dict[str, int] = {
    "stdin": subprocess.DEVNULL,
    "stdout": subprocess.DEVNULL,
    "stderr": subprocess.DEVNULL,
}


def why_unavailable() -> str | None:
    if shutil.which("dovecot") is None:
        return "dovecot is not installed (apt-get install dovecot-imapd; `make test` does it)"
    if os.geteuid() != 0:
        return "Dovecot needs root to run its mail processes as another user"
    return None


class Dovecot:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="bidboard-dovecot-"))
        self.root.chmod(0o755)
        for sub in ("run", "state", "home"):
            (self.root / sub).mkdir()
        shutil.chown(self.root / "home", "nobody", "nogroup")
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                str(self.root / "key.pem"),
                "-out",
                str(self.root / "cert.pem"),
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ],
            check=True,
            capture_output=True,
        )
        (self.root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        self.imap_port, self.imaps_port = free_port(), free_port()
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            _CONFIG.format(root=self.root, imap_port=self.imap_port, imaps_port=self.imaps_port)
        )
        self.ca_file = str(self.root / "cert.pem")

    def _wait(self, up: bool, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.imap_port), timeout=0.5):
                    if up:
                        return
            except OSError:
                if not up:
                    return
            time.sleep(0.05)
        log = (
            (self.root / "dovecot.log").read_text() if (self.root / "dovecot.log").exists() else ""
        )
        raise RuntimeError(f"dovecot did not {'start' if up else 'stop'}: {log[-2000:]}")

    def start(self) -> None:
        # dovecot daemonizes: pipes it inherited would never close, so it gets none
        subprocess.run(["dovecot", "-c", str(self.config)], check=True, **_QUIET)
        self._wait(up=True)

    def stop(self) -> None:
        subprocess.run(["dovecot", "-c", str(self.config), "stop"], check=False, **_QUIET)
        self._wait(up=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        conn.starttls(ssl.create_default_context(cafile=self.ca_file))
        conn.login(USER, PASSWORD)
        return conn

    def deliver(self, folder: str, *messages: bytes) -> None:
        conn = self.client()
        try:
            conn.create(f'"{folder}"')
            for message in messages:
                status, _ = conn.append(f'"{folder}"', None, None, message)
                assert status == "OK"
        finally:
            conn.logout()

    def subjects(self, folder: str) -> list[str]:
        conn = self.client()
        try:
            status, _ = conn.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, data = conn.uid("SEARCH", "ALL")
            uids = (data[0] or b"").split()
            subjects = []
            for uid in uids:
                _, parts = conn.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                header = next(p[1] for p in parts if isinstance(p, tuple))
                subjects.append(header.decode().split(":", 1)[1].strip())
            return subjects
        finally:
            conn.logout()
