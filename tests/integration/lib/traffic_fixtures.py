"""Crafted traffic for the traffic tests (python3-scapy; import after the test's own scapy check), and
lookups in `anshin traffic` JSON. Packets are only written to capture files, never sent."""
from scapy.all import BOOTP, DHCP, IP, UDP, Ether


def stamp(packets, start=1764979200.0, step=0.1):
    """Gives the packets capture times `step` seconds apart from `start`."""
    for i, p in enumerate(packets):
        p.time = start + i * step
    return packets


def dhcp_request(mac, hostname, vendor_class, address, xid, param_req_list=None):
    """A DHCPREQUEST broadcast by `mac` with options 12 (host name), 60 (vendor class) and, when given, 55."""
    options = [("message-type", "request"), ("requested_addr", address), ("hostname", hostname)]
    if param_req_list:
        options.append(("param_req_list", param_req_list))
    options += [("vendor_class_id", vendor_class), "end"]
    return (Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255") /
            UDP(sport=68, dport=67) /
            BOOTP(op=1, chaddr=bytes.fromhex(mac.replace(":", "")) + b"\0" * 10, xid=xid) / DHCP(options=options))


def device(doc, address):
    return next((d for d in doc["devices"] if d["address"] == address), None)


def finding(dev, fid):
    return next((f for f in (dev or {}).get("findings", []) if f["id"] == fid), None)
