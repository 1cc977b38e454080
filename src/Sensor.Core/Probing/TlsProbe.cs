using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sensor.Core.Probing.Trust;

namespace Sensor.Core.Probing;

/// <summary>
/// A real TLS handshake with SslStream that accepts any certificate but records whether its chain
/// validates against the system store (<see cref="Trust.SystemTrust"/>: no revocation check, no
/// certificate downloads, the probe talks to the server only) and whether it matches the host name
/// probed. The certificates the server sent after its leaf are kept for DANE-TA(2).
/// </summary>
internal static class TlsProbe
{
#pragma warning disable SYSLIB0039 // TLS 1.0/1.1 are offered on purpose: a probe must see servers that still speak them
    private const SslProtocols Offered = SslProtocols.Tls | SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13;
#pragma warning restore SYSLIB0039

    public static async Task<(SslStream Stream, TlsFacts Facts)> HandshakeAsync(Stream inner, string host, ProbeOptions probeOptions, CancellationToken probeToken)
    {
        X509Certificate2? certificate = null;
        List<X509Certificate2> sent = [];
        var timeout = probeOptions.HandshakeTimeout;
        (inner as ClientHelloTap)?.Arm();
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = Offered,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = new X509ChainPolicy { RevocationMode = X509RevocationMode.NoCheck, DisableCertificateDownloads = true },
            RemoteCertificateValidationCallback = (_, cert, chain, _) =>
            {
                certificate = cert is null ? null : new X509Certificate2(cert);
                sent = certificate is null ? [] : SystemTrust.SentAfter(certificate, chain);
                return true;
            },
        };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(probeToken);
        cts.CancelAfter(timeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cts.Token);
        }
        catch (OperationCanceledException) when (!probeToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync();
            throw new ProbeStepException(ProbeOutcome.Timeout, $"timeout in the TLS handshake ({ProbeConnection.Seconds(timeout)})");
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            throw new ProbeStepException(ProbeOutcome.TlsFailed, $"TLS handshake failed: {Describe(e)}", e);
        }
        if (certificate is null)
        {
            await ssl.DisposeAsync();
            throw new ProbeStepException(ProbeOutcome.TlsFailed, "TLS handshake completed without a server certificate");
        }
        var suite = ssl.NegotiatedCipherSuite.ToString();
        var (keyAlgorithm, keyBits) = KeyOf(certificate);
        var trust = probeOptions.Trust.Evaluate(certificate, sent);
        var facts = new TlsFacts(
            VersionName(ssl.SslProtocol),
            suite,
            Grading.KeyExchangeOf(suite, keyBits),
            Grading.CipherBitsOf(suite),
            Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)),
            Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())),
            certificate.Subject,
            certificate.Issuer,
            certificate.NotBefore.ToUniversalTime(),
            certificate.NotAfter.ToUniversalTime(),
            keyAlgorithm,
            keyBits,
            trust.Trusted,
            trust.Error,
            certificate.MatchesHostname(host),
            certificate.RawData,
            [.. sent.Select(c => c.RawData)]);
        foreach (var c in sent)
            c.Dispose();
        return (ssl, facts);
    }

    public static string VersionName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
#pragma warning disable SYSLIB0039
        SslProtocols.Tls11 => "TLSv1.1",
        SslProtocols.Tls => "TLSv1.0",
#pragma warning restore SYSLIB0039
#pragma warning disable CS0618
        SslProtocols.Ssl3 => "SSLv3",
        SslProtocols.Ssl2 => "SSLv2",
#pragma warning restore CS0618
        _ => protocol.ToString(),
    };

    private static (string Algorithm, int Bits) KeyOf(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
            return ("RSA", rsa.KeySize);
        using var ecdsa = certificate.GetECDsaPublicKey();
        if (ecdsa is not null)
            return ("ECDSA", ecdsa.KeySize);
        return (certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value ?? "unknown", 0);
    }

    internal static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
            if (!messages.Contains(x.Message) && !x.Message.Contains("see inner exception", StringComparison.OrdinalIgnoreCase))
                messages.Add(x.Message);
        return string.Join(": ", messages);
    }
}
