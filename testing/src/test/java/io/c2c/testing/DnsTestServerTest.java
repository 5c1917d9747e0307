package io.c2c.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The test DNS server answers real UDP queries in RFC 1035 wire format. */
class DnsTestServerTest {

    @Test
    void answersProgrammedTxtAndAddressRecordsOverUdp() throws Exception {
        try (DnsTestServer dns = DnsTestServer.start(); DatagramSocket client = new DatagramSocket()) {
            dns.txt("_c2c-challenge.www.example.com", "token-1").address("www.example.com", "127.0.0.1");
            client.setSoTimeout(2000);

            byte[] txt = ask(client, dns, query(0x1234, "_C2C-challenge.www.example.com.", 16));
            assertEquals(0x1234, u16(txt, 0));
            assertEquals(0, txt[3] & 0x0f, "NOERROR");
            assertEquals(1, u16(txt, 6), "one answer");
            byte[] rdataTail = Arrays.copyOfRange(txt, txt.length - 8, txt.length);
            assertArrayEquals(("\u0007token-1").getBytes(StandardCharsets.US_ASCII), rdataTail);

            byte[] a = ask(client, dns, query(7, "www.example.com", 1));
            assertEquals(1, u16(a, 6));
            assertArrayEquals(new byte[] {127, 0, 0, 1}, Arrays.copyOfRange(a, a.length - 4, a.length));

            byte[] aaaa = ask(client, dns, query(8, "www.example.com", 28));
            assertEquals(0, aaaa[3] & 0x0f);
            assertEquals(0, u16(aaaa, 6), "known name, no AAAA: empty NOERROR");
        }
    }

    @Test
    void unknownNamesGetNxdomainAndMalformedQueriesFormerrOrSilence() throws Exception {
        try (DnsTestServer dns = DnsTestServer.start(); DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(2000);
            byte[] nx = ask(client, dns, query(9, "nothing.example", 16));
            assertEquals(3, nx[3] & 0x0f);

            byte[] query = query(10, "a.example", 16);
            byte[] truncated = Arrays.copyOf(query, query.length - 3);
            assertEquals(1, dns.answer(truncated, truncated.length)[3] & 0x0f, "FORMERR");
            assertNull(dns.answer(new byte[5], 5), "shorter than a header: dropped");
            byte[] badLabel = query.clone();
            badLabel[12] = 64;
            assertEquals(1, dns.answer(badLabel, badLabel.length)[3] & 0x0f);
        }
    }

    @Test
    void silentServerLetsTheClientTimeOut() throws Exception {
        try (DnsTestServer dns = DnsTestServer.start(); DatagramSocket client = new DatagramSocket()) {
            dns.txt("x.example", "v").silent(true);
            client.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> ask(client, dns, query(1, "x.example", 16)));
            assertEquals(1, dns.queries());
        }
    }

    private static byte[] ask(DatagramSocket client, DnsTestServer dns, byte[] query) throws Exception {
        client.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), dns.port()));
        byte[] buffer = new byte[4096];
        DatagramPacket response = new DatagramPacket(buffer, buffer.length);
        client.receive(response);
        return Arrays.copyOf(buffer, response.getLength());
    }

    private static byte[] query(int id, String name, int type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(id >> 8);
        out.write(id & 0xff);
        out.write(0x01); // RD
        out.write(0);
        out.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            if (!label.isEmpty()) {
                out.write(label.length());
                out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
            }
        }
        out.write(0);
        out.write(type >> 8);
        out.write(type & 0xff);
        out.write(0);
        out.write(1);
        return out.toByteArray();
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }
}
