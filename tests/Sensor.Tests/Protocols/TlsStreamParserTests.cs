using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Smtp;
using Sensor.Core.Protocols.Tls;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

public class TlsStreamParserTests
{
    private static Transcript StartTlsThen(TlsHandshakeCapture capture)
    {
        var t = new Transcript().S(SmtpSessionParserTests.PostfixGreeting).C("EHLO client.example.net\r\n")
            .S(SmtpSessionParserTests.PostfixEhlo).C("STARTTLS\r\n").S("220 2.0.0 Ready to start TLS\r\n");
        foreach (var (direction, bytes) in capture.Writes)
        {
            if (direction == Direction.ClientToServer)
                t.C(bytes);
            else
                t.S(bytes);
        }
        string auth = Convert.ToBase64String(Encoding.ASCII.GetBytes("\0alice\0pw"));
        return t.C($"AUTH PLAIN {auth}\r\n").S("235 2.7.0 ok\r\n");
    }

    [Fact]
    public async Task Tls12_handshake_after_starttls_yields_hello_and_certificate_and_no_mail()
    {
        var capture = await TlsHandshakeCapture.RunAsync(SslProtocols.Tls12);
        var t = StartTlsThen(capture);

        var parser = new SmtpSessionParser();
        var events = EventText.Events(parser, t);
        TranscriptFeeder.EverySplit(() => new SmtpSessionParser(), t);

        Assert.True(parser.InTls);
        var hello = Assert.Single(events.OfType<TlsClientHelloEvent>());
        Assert.Equal(TlsHandshakeCapture.HostName, hello.ServerNameIndication);
        Assert.Contains("TLSv1.2", hello.OfferedVersions);
        Assert.NotEmpty(hello.CipherSuites);
        var serverHello = Assert.Single(events.OfType<TlsServerHelloEvent>());
        Assert.Equal("TLSv1.2", serverHello.Version);
        Assert.StartsWith("TLS_ECDHE_ECDSA_", serverHello.CipherName, StringComparison.Ordinal);
        var certificate = Assert.Single(events.OfType<TlsCertificateEvent>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(capture.Certificate.RawData)), certificate.Sha256);
        Assert.Equal($"CN={TlsHandshakeCapture.HostName}", certificate.Subject);
        Assert.Equal(capture.Certificate.NotAfter.ToUniversalTime(), certificate.NotAfter);
        Assert.Equal([new TlsRecordEvent(Direction.ClientToServer, 20), new TlsRecordEvent(Direction.ServerToClient, 20)],
            events.OfType<TlsRecordEvent>().Where(r => r.ContentType == 20)); // both Finished follow (RFC 5246 §7.1)
        Assert.DoesNotContain(events, e => e is CredentialEvent or AuthResultEvent or ProtocolAnomalyEvent);
    }

    [Fact]
    public async Task Tls13_handshake_hides_the_certificate()
    {
        TlsHandshakeCapture capture;
        try
        {
            capture = await TlsHandshakeCapture.RunAsync(SslProtocols.Tls13);
        }
        catch (AuthenticationException)
        {
            return; // this machine's TLS library has no TLS 1.3
        }
        var events = EventText.Events(new SmtpSessionParser(), StartTlsThen(capture));

        Assert.Equal("TLSv1.3", Assert.Single(events.OfType<TlsServerHelloEvent>()).Version);
        Assert.Contains("TLSv1.3", Assert.Single(events.OfType<TlsClientHelloEvent>()).OfferedVersions);
        Assert.Contains(new TlsRecordEvent(Direction.ClientToServer, 23), events); // the client's Finished
        Assert.DoesNotContain(events, e => e is TlsCertificateEvent or CredentialEvent or ProtocolAnomalyEvent);
    }

    [Fact]
    public void Plaintext_alert_is_reported_then_encrypted_records_are_only_walked()
    {
        var parser = new TlsStreamParser(Direction.ServerToClient);
        var sink = new MailEventList();

        parser.Feed([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28, 0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x16, 0x03, 0x03, 0xff, 0xff], sink);

        Assert.Equal([new TlsAlertEvent(Direction.ServerToClient, 2, 40), new TlsRecordEvent(Direction.ServerToClient, 20)], sink);
        Assert.False(parser.Stopped); // the 0x16 header after the CCS is walked past, its body skipped
    }

    /// <summary>
    /// OpenSMTPD 6.8 on OpenSSL 3 (captures/smtp-opensmtpd-tls-alert.pcap, frame 13): ServerHello,
    /// CCS, one encrypted record (EncryptedExtensions and Certificate) and a 19-byte encrypted alert
    /// (internal_error: its signing process fails), all in one segment.
    /// </summary>
    public const string OpenSmtpdFailedFlight = "FgMDAHoCAAB2AwPlamGlQfXA11FFZ9VGyYJA8/FS5xQ1KEl9AspvPqTTRSBAEiCP5zKXDn7bz4UnmJx5Dj+Yk8xgeyV75Yl0pXM4VBMCAAAuACsAAgMEADMAJAAdACBkzBlaIK6zVrG8hDjA1RH1rAR7FmwdDMefgJBi5aY5GxQDAwABARcDAwAXvgemAC3hbAIZbfCvWz+TpqPeuGi2dkgXAwMDWR297evPXBfOnu8HrnTMnDUC6GVyGNkrZfioYQ9C6gWqhv7WuyrwPjmHg3amhp+H81f/EM9MLMO4xEKWfdDrCOVc8Z62/5wgwF5F8oBtVLBRACg7RyZ29GQkKsHlWdQ+oYpMwLZaMN0YcDFS3/tVZEOzl5reEfBUEDDqYgssoFqd8Vz6HwnPUi/RKi5p8BdbACG6WOyG1brs3YtOK4uo+QlrHNn4smlWZloSRrThb3y5X9ar4t/SautK9yC/1Bk/xspENDsaymjV4CN3LuJYRXech1e8pgeW0fWkhvPyt1Kn9ZMfbHxJXwX59eAZghf8QnUQMKTLNNBG0bkeAPpkwVAOBmSUFQ4XbMF9od289tJVXG5sAVTGeRe1j7bBWXVN1Hyw9TG65ER3rChwQGL4LMs2ze+c2VyZj2bqZO1ey5C3T00Qevvzx8uOX5W4H3xEW/8GMHpvTQl7Y17Qs/f9sJkUxvES77O/QTdRGcy0uC0RsnxBrKxJCMLSVTl+8uZiCZKLgKofbzwaLC3BJu1qn22XsSa3bZamXuraJJamWpqiVYFIx+smvtAXXtvBQqQ4gxaO7W/deSiZI/Z5m7c4rGJm5vQTwVDDu1f+1wZgBGpT4BdTH3EMW3MutXYkL2NiPN7TdE4n6uVLnW0y2SbY6FEYAo8dIyru0285QoVNJCI8aiaD44gIwpkxsAkYED4YdgaXSsn1lipZORN9eYO0OamYDs8c3kg7lTJvP5MjWeglJdX05lGllXV6FlY5ncHn5DyVh4frzqdnJF/AssTdrzeFk8wux/tk0p6pIjTimCjDfMwMlTFpKKTksltmHIHsw6SZhUlzQuNpSmC14MQNkGAbfIOX/UM+6IUS/YUD+oIYD7BJMyzmuxuafLeG6tjK+A4tr3XA932i7aAXdPSwrWko4wk85BXr2rDMYozQJfzpiASZqjGRSfsBOEGn4BzZbP0m2c/zydF+a/J+Ket/tAWV3frdmaZgI5ZBPy7xrb1Va78Oj3+zKn+mVloX37vEGqKcc+EW/9e0s4/0Y4B8ae2z5UmbqYw47U6AzyFCOeDv/dtdsIc4umefBjyh3ymKlC/Td6XW5HO2SpgfZteMHJG9isBIrxf0k0q06TC9CgKMNAd+CZAFutYXFwMDABOky72trHf53fn0+BKTnu1vk0Sz";

    [Fact]
    public void Tls13_server_flight_reports_its_ccs_and_first_encrypted_record_at_any_split()
    {
        var flight = Convert.FromBase64String(OpenSmtpdFailedFlight);
        var expected = new MailEvent[] { new TlsRecordEvent(Direction.ServerToClient, 20), new TlsRecordEvent(Direction.ServerToClient, 23) };
        foreach (int chunk in new[] { flight.Length, 1, 5, 7, 128 })
        {
            var parser = new TlsStreamParser(Direction.ServerToClient);
            var sink = new MailEventList();
            for (int i = 0; i < flight.Length; i += chunk)
                parser.Feed(flight.AsSpan(i, Math.Min(chunk, flight.Length - i)), sink);

            Assert.Equal("TLSv1.3", Assert.IsType<TlsServerHelloEvent>(sink[0]).Version);
            Assert.Equal(expected, sink.Skip(1));
            Assert.True(parser.Stopped);
        }
    }

    [Fact]
    public void A_broken_record_header_after_encryption_stops_the_walk_silently()
    {
        var parser = new TlsStreamParser(Direction.ClientToServer);
        var sink = new MailEventList();

        parser.Feed([0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x47, 0x45, 0x54, 0x20, 0x2f, 0x17, 0x03, 0x03, 0x00, 0x10], sink);

        Assert.Equal([new TlsRecordEvent(Direction.ClientToServer, 20)], sink);
        Assert.True(parser.Stopped);
    }

    [Fact]
    public void End_stops_the_stream_mid_record_and_later_bytes_are_ignored()
    {
        var parser = new TlsStreamParser(Direction.ServerToClient);
        var sink = new MailEventList();

        parser.Feed([0x15, 0x03, 0x03, 0x00, 0x02, 0x02], sink); // an alert record cut after one byte
        parser.End();
        parser.Feed([0x28, 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28], sink);

        Assert.True(parser.Stopped);
        Assert.Empty(sink);
    }

    [Fact]
    public void Garbage_is_a_bad_record_and_sslv2_hello_is_named()
    {
        var garbage = new MailEventList();
        new TlsStreamParser(Direction.ClientToServer).Feed("EHLO x\r\n"u8, garbage);
        var sslv2 = new MailEventList();
        new TlsStreamParser(Direction.ClientToServer).Feed([0x80, 0x2e, 0x01, 0x00, 0x02], sslv2);

        Assert.Equal("tls-bad-record", Assert.IsType<ProtocolAnomalyEvent>(Assert.Single(garbage)).Name);
        Assert.Equal("sslv2-client-hello", Assert.IsType<ProtocolAnomalyEvent>(Assert.Single(sslv2)).Name);
    }

    [Fact]
    public void Truncated_client_hello_is_malformed_not_an_exception()
    {
        var sink = new MailEventList();
        // A handshake record holding a ClientHello whose declared body is 6 bytes of nonsense.
        new TlsStreamParser(Direction.ClientToServer).Feed([0x16, 0x03, 0x01, 0x00, 0x0a, 0x01, 0x00, 0x00, 0x06, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00], sink);

        Assert.Equal("tls-malformed-handshake", Assert.IsType<ProtocolAnomalyEvent>(Assert.Single(sink)).Name);
    }

    [Fact]
    public void Cipher_suite_names()
    {
        Assert.Equal("TLS_RSA_WITH_RC4_128_MD5", TlsCipherSuites.Name(0x0004));
        Assert.Equal("TLS_DH_anon_WITH_AES_128_CBC_SHA", TlsCipherSuites.Name(0x0034));
        Assert.Equal("TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", TlsCipherSuites.Name(0x0008));
        Assert.Equal("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", TlsCipherSuites.Name(0xC012));
        Assert.Equal("TLS_AES_128_GCM_SHA256", TlsCipherSuites.Name(0x1301));
        Assert.Equal("0xfefe", TlsCipherSuites.Name(0xFEFE));
    }
}
