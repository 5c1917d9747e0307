package io.c2c.relay.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunMessageBuilder;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.server.TurnTestClient;
import io.c2c.relay.service.RelayService;
import io.c2c.testing.FreePorts;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * coturn's own client, {@code turnutils_uclient}, against this server on loopback with TURN REST
 * credentials ({@code -W secret}): ChannelData over UDP, Send/Data indications, TCP to the server
 * and client-to-client relaying all finish with every packet echoed back, also over IPv6 (the ::1
 * listener, an IPv6 relay asked with {@code -x}, the echo peer on ::1), and the {@code -N}
 * negative checks are refused the way coturn refuses them. Tagged {@code interop}; it runs in the
 * normal suite because CI has coturn installed (elsewhere it is skipped when the tools are missing).
 */
@Tag("interop")
@QuarkusTest
class CoturnInteropTest {

    private static final Pattern TOTALS = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)\\s*$", Pattern.MULTILINE);
    private static final Pattern LOST = Pattern.compile("Total lost packets (\\d+)");

    private static Process echoPeer;
    private static int peerPort;

    @Inject
    RelayService relay;

    @BeforeAll
    static void startEchoPeer() throws IOException {
        boolean present = new File("/usr/bin/turnutils_uclient").canExecute() && new File("/usr/bin/turnutils_peer").canExecute();
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("coturn's turnutils are required in CI: apt-get install coturn");
        }
        Assumptions.assumeTrue(present, "coturn's turnutils are not installed");
        peerPort = FreePorts.next();
        echoPeer = new ProcessBuilder("turnutils_peer", "-L", "127.0.0.1", "-L", "::1", "-p", Integer.toString(peerPort))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @AfterAll
    static void stopEchoPeer() {
        if (echoPeer != null) {
            echoPeer.destroy();
        }
    }

    private String uclient(String user, List<String> flags) throws Exception {
        return uclient(user, flags, false);
    }

    /** With {@code ipv6}: to the server's ::1 listener, asking for an IPv6 relay (-x), to the echo peer on ::1. */
    private String uclient(String user, List<String> flags, boolean ipv6) throws Exception {
        String loopback = ipv6 ? "::1" : "127.0.0.1";
        int port = (ipv6 ? relay.listenersV6() : relay.listeners()).udpAddress().getPort();
        List<String> command = new ArrayList<>(List.of("turnutils_uclient", "-W", "test-secret-current", "-u", user,
                "-p", Integer.toString(port), ipv6 ? "-x" : "-X", "-e", loopback, "-r", Integer.toString(peerPort)));
        command.addAll(flags);
        command.add(loopback);
        Path log = Files.createTempFile("uclient", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("turnutils_uclient did not finish in 60 s: " + Files.readString(log));
        }
        String output = Files.readString(log);
        Files.deleteIfExists(log);
        return output;
    }

    @ParameterizedTest(name = "uclient {0}")
    @ValueSource(strings = {"udp-channel", "udp-send", "tcp-channel", "client-to-client", "ipv6-udp-channel",
        "ipv6-udp-send", "ipv6-tcp-channel"})
    void uclientRelaysEveryPacket(String mode) throws Exception {
        List<String> flags = new ArrayList<>(List.of("-m", "1", "-n", "100", "-l", "500", "-z", "5"));
        boolean ipv6 = mode.startsWith("ipv6-");
        switch (mode.replace("ipv6-", "")) {
            case "udp-send" -> flags.add("-s");
            case "tcp-channel" -> flags.add("-t");
            case "client-to-client" -> flags.addAll(List.of("-y", "-c"));
            default -> { }
        }
        if (ipv6) {
            flags.add("-v"); // prints the relayed address it received
        }
        String output = uclient("interop-" + mode, flags, ipv6);
        if (ipv6) {
            assertTrue(output.contains("IPv6. Received relay addr: ::1:"), "an IPv6 relayed address:\n" + output);
        }
        Matcher totals = TOTALS.matcher(output);
        assertTrue(totals.find(), "uclient printed totals:\n" + output);
        long sent = Long.parseLong(totals.group(1));
        long received = Long.parseLong(totals.group(2));
        assertTrue(sent >= 100, "sent " + sent);
        assertEquals(sent, received, "every packet came back:\n" + output);
        Matcher lost = LOST.matcher(output);
        assertTrue(lost.find(), output);
        assertEquals("0", lost.group(1), "zero loss");
    }

    @Test
    void negativeChecksAreRefusedAndTheServerCarriesOn() throws Exception {
        String output = uclient("interop-negative", List.of("-N", "-m", "1", "-n", "10", "-l", "100", "-z", "5"));
        // -N rebinds a peer to a second channel number, which RFC 8656 section 11.2 answers with 400.
        assertTrue(output.contains("channel bind: error 400"), output);
        try (TurnTestClient client = TurnTestClient.udp(relay.listeners().udpAddress())) {
            byte[] binding = StunMessageBuilder.create(StunMethod.BINDING, StunClass.REQUEST,
                    StunMessageBuilder.newTransactionId()).buildWithFingerprint();
            assertEquals(StunClass.SUCCESS, client.transact(binding).messageClass());
        }
    }
}
