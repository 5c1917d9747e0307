package io.c2c.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/** Test input: an IP literal, or {@code hex:} and 32 hex digits for IPv6 forms Java would unwrap to IPv4. */
final class Addresses {

    private Addresses() {
    }

    static byte[] raw(String text) throws UnknownHostException {
        if (text.startsWith("hex:")) {
            return HexFormat.of().parseHex(text.substring(4));
        }
        return InetAddress.getByName(text).getAddress();
    }

    static InetAddress address(String text) throws UnknownHostException {
        byte[] raw = raw(text);
        // Inet6Address keeps an IPv4-mapped address in its IPv6 form; InetAddress.getByAddress would unwrap it.
        return raw.length == 16 ? Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
    }
}
