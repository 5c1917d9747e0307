package io.c2c.signaling.session;

import io.c2c.contracts.event.NetworkPosition;

/** The coarse position published in peer events: the address prefix (/24 or /48), never the address. */
public final class NetworkPositions {

    private NetworkPositions() {
    }

    /** {@code remote} as given by the WebSocket layer ({@code 1.2.3.4:5678}, {@code [::1]:5678}, ...). */
    public static NetworkPosition of(String remote, String region) {
        return new NetworkPosition(prefix(remote), null, null, region);
    }

    static String prefix(String remote) {
        if (remote == null || remote.isBlank()) {
            return null;
        }
        String host = remote.trim();
        if (host.startsWith("/")) {
            host = host.substring(1);
        }
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end > 0 ? host.substring(1, end) : host;
        } else if (host.chars().filter(c -> c == ':').count() == 1) {
            host = host.substring(0, host.indexOf(':'));
        }
        String[] v4 = host.split("\\.");
        if (v4.length == 4 && host.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            return v4[0] + "." + v4[1] + "." + v4[2] + ".0/24";
        }
        if (host.contains(":")) {
            try {
                byte[] bytes = java.net.InetAddress.getByName(host).getAddress();
                if (bytes.length == 16) {
                    return String.format("%x:%x:%x::/48", ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff),
                            ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff), ((bytes[4] & 0xff) << 8) | (bytes[5] & 0xff));
                }
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }
        return null;
    }
}
