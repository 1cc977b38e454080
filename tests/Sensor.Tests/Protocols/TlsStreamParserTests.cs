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
    /// OpenSMTPD 6.8 on OpenSSL 3 (captures/smtp-opensmtpd-tls-alert.pcap, frame 12): ServerHello,
    /// CCS, one encrypted record (EncryptedExtensions and Certificate) and a 19-byte encrypted alert
    /// (internal_error: its signing process fails), all in one segment.
    /// </summary>
    public const string OpenSmtpdFailedFlight = "FgMDAHoCAAB2AwNOYwlqM5lTE2K6oV4zJyQvelyXnxgeZeQBV8pwYt+sESDhOE1gUL3Z9xo5hJdTkWQ0qoLdvkj/AGanwsmTSDNwCBMCAAAuACsAAgMEADMAJAAdACA3NY7v8Zlutkwrzle23rUcnoRX3OKSYTInQy7Ivs6+aRQDAwABARcDAwAXhY4DK8hxmDfDLb0B2HZrSVVGDBoLIWUXAwMDWX+BLpeAqD2zowYYB3taPWl0mtkNn5Ew0Navzodvb+oOfn4+wmJrQcQDqmvAFfZGjVYbfq/4bYBzvZctQcCjxIoam2yJKhYgynS5o15VjYdOqimHgh9gFuy/z4JsGSCDEzOIyiQsndc4mrxkwFeP/UTyva1jq7c7s1QZZRzSYTxMNrgC4khBVi4mRj7ibHzI5E4XNG+Jx7sOZSnKlE+FUvHNGmLE0UYgoSvM01bc3rPnPFVMkkumEgrsMFmhM2P0WJ60+bh9HB1TSkkX680euFqseXgZfZ6pY2WsdxF0VOO/aPj2aXuE/KbEAUL3DGtFwdu+0N8NgWz02IIPEaT5ym2AuJXKwWO3Lyxssj/3EwaIEX7Jbnm0+OBYHf7zOq6HoiN8+eNH71sFWboasWwckZnDZnDqYj28MPAYHCCW2BUlWUr42cfS3Bo5RDbEoMPWScn8q+hibE7IxsQvsE58kQiIPSOCyud3nMkujaCYp5loPXmgOV9w0W8i6Ns5wNs60cW7ZILsy8Qc+9Ih1bsZY6q5gPLcYzckQ9Ibf1tYSR4Qv54AH93ydaaOKew1oT3W6SSpaIDN+83/mfwRZW7wSooqYBq9hH5wZASO9Yky5u+IEzsuxVKUZnwvDQRmIo1ee4UyhVzkUg4Dq3dx8LQVBk0ALlc+OM3sSGCL5q4Wqz2LHytUEt9nkLN8c8b5FqiyQyfdR2KuLtm6jiDIwEOf9Ms5uXo49NK8fM/PoQp7So9zo8JjMtE4jSeTkZRH5mq8RelR9R8ifgppwCo+T6DG8qTiw6HjlXH9ES4CYEuoVrfdN1vIeZPgXUQ8toAlMdGzDq1WHEXsqD/PLppgRN8agwiWqYxPCtjp2MyiWEz+SYd91Z2mlg7MFUYcjkWy2hBWTwmneiH5R/FnINC1iow1nzMSi+1zSoyfYTl6cfk2dN7w1/kyDL8adsN94/Fq/j1g6gw2FjBgfe2rniYBLckHpoXk0hR+HrC1pQ2BdXRGY1YhePBUlyQlS6VeQyTE1ITsqG24BWHh4mB532PirCcClrEDcxm7iNJMJBajZ7QyVCJfVnXkDbvw0LMNy/bCr/P96+D0bQ7m4OqNIrQOfpL1deJ5jmVVjDC77k61OD0czaCqCsGo9j/JKq0XFwMDABNCEzaV3hVTm7I9rLaDthYnFy4J";

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
