#!/usr/bin/env python3
"""Reads a charon filelog written with chd=4 and prints tshark options, one
per line, that let tshark decrypt the ESP SAs charon installed.

charon logs per CHILD_SA the initiator and responder keys, then the SPI and
addresses of its inbound and outbound SA.  Which key belongs to which SA
depends on who initiated the Quick Mode; the tests here always let
ipsecgwd initiate (acquire, rekey), so charon is the responder unless
--initiator is given: its inbound SA carries the initiator's keys.

Usage: charon_esp_keys.py [--initiator] charon.log
"""
import re
import sys

ENC = {"AES_CBC": "AES-CBC [RFC3602]",
       "AES_GCM_16": "AES-GCM with 16 octet ICV [RFC4106]",
       "3DES_CBC": "TripleDES-CBC [RFC2451]"}
INTEG = {"HMAC_SHA1_96": "HMAC-SHA-1-96 [RFC2404]",
         "HMAC_SHA2_256_128": "HMAC-SHA-256-128 [RFC4868]",
         "HMAC_MD5_96": "HMAC-MD5-96 [RFC2403]"}
LINE = re.compile(r"^\S+ (\d+)\[(\w+)\] (.*)$")
HEX = re.compile(r"^\s*\d+: ((?:[0-9A-F]{2} )+)")
KEY = re.compile(r"^(encryption|integrity) (initiator|responder) key => (\d+) bytes")


def main(argv):
    initiator = "--initiator" in argv
    path = [a for a in argv[1:] if not a.startswith("--")][0]
    state = {}  # per thread
    rows = []
    pending_key = None
    for raw in open(path, errors="replace"):
        m = LINE.match(raw.rstrip("\n"))
        if not m:
            continue
        thread, msg = m.group(1), m.group(3)
        st = state.setdefault(thread, {"keys": {}})
        h = HEX.match(msg)
        if h and pending_key is not None and pending_key[0] == thread:
            st["keys"][pending_key[1]] += h.group(1).replace(" ", "")
            continue
        pending_key = None
        k = KEY.match(msg)
        if k:
            name = (k.group(1), k.group(2))
            st["keys"][name] = ""
            pending_key = (thread, name)
            continue
        u = re.match(r"\s*using (\S+) for (encryption|integrity)", msg)
        if u:
            if u.group(2) == "encryption":
                st.pop("integrity", None)  # AEAD logs none
            st[u.group(2)] = u.group(1)
            continue
        d = re.match(r"adding (inbound|outbound) ESP SA", msg)
        if d:
            st["dir"] = d.group(1)
            continue
        s = re.match(r"\s*SPI 0x([0-9a-f]+), src (\S+) dst (\S+)", msg)
        if s and "dir" in st:
            # The SA the initiator sends on uses the initiator's keys.
            sender_is_init = (st["dir"] == "outbound") == initiator
            who = "initiator" if sender_is_init else "responder"
            enc = st.get("encryption", "")
            integ = st.get("integrity", "")
            ekey = st["keys"].get(("encryption", who), "")
            ikey = st["keys"].get(("integrity", who), "")
            rows.append('"IPv4","%s","%s","0x%s","%s","0x%s","%s","0x%s"' % (
                s.group(2), s.group(3), s.group(1), ENC.get(enc, "NULL"),
                ekey.lower(), INTEG.get(integ, "NULL"), ikey.lower()))
            del st["dir"]
    print("-o")
    print("esp.enable_encryption_decode:TRUE")
    for r in rows:
        print("-o")
        print("uat:esp_sa:" + r)


if __name__ == "__main__":
    main(sys.argv)
