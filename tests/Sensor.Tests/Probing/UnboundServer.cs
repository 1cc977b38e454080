using System.Diagnostics;
using System.Net;
using DnsClient;
using Sensor.Core.Probing.Dns;

namespace Sensor.Tests.Probing;

/// <summary>
/// A real unbound (Debian's package) serving test zones from local-data, started on
/// 127.0.0.83:&lt;free port&gt; with a config in a temp dir, and killed on dispose. "test." is a
/// static local zone (unknown names are NXDOMAIN) and every other name is refused, so nothing is
/// ever asked outside. local-data is not DNSSEC-signed: unbound answers it without AD.
/// </summary>
public sealed class UnboundServer : IDisposable
{
    public const string Binary = "/usr/sbin/unbound";
    private readonly Process _process;
    private readonly string _dir;

    public IPEndPoint Endpoint { get; }
    public string Resolver => $"{Endpoint.Address}:{Endpoint.Port}";

    /// <summary>SHA-256 of the SPKI of the loopback postfix's certificate (/etc/sensor-test/mail.pem).</summary>
    public static string MailSpkiSha256()
    {
        using var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(ProbeTestSupport.CertificatePath));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    public static readonly string[] Zone =
    [
        // example.test: two MX, mx1 is the loopback postfix with a DANE-EE SPKI SHA-256 record, mx2 has no address
        "example.test. MX 20 mx2.example.test.",
        "example.test. MX 10 mx1.example.test.",
        "mx1.example.test. A 127.0.0.1",
        $"_25._tcp.mx1.example.test. TLSA 3 1 1 {MailSpkiSha256()}",
        "_mta-sts.example.test. TXT \"v=STSv1; id=20240101000000;\"",
        "_smtp._tls.example.test. TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.test\"",
        // wrong.test: the postfix again, with a TLSA record that cannot match
        "wrong.test. MX 10 mx.wrong.test.",
        "mx.wrong.test. A 127.0.0.1",
        "_25._tcp.mx.wrong.test. TLSA 3 1 1 0000000000000000000000000000000000000000000000000000000000000000",
        // order.test: three MX out of order on addresses where nothing listens on 25
        "order.test. MX 30 c.order.test.",
        "order.test. MX 10 a.order.test.",
        "order.test. MX 20 b.order.test.",
        "a.order.test. A 127.0.0.71",
        "b.order.test. A 127.0.0.72",
        "c.order.test. A 127.0.0.73",
        // nomx.test: no MX, its own A: the implicit MX (RFC 5321 §5.1); TXT split in two strings
        "nomx.test. A 127.0.0.1",
        "_mta-sts.nomx.test. TXT \"v=STSv1; \" \"id=split2;\"",
        // nullmx.test: null MX (RFC 7505)
        "nullmx.test. MX 0 .",
        // a host with only an address, probed as HOST:PORT
        "host.test. A 127.0.0.1",
    ];

    public UnboundServer()
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} not found: install Debian's unbound (.ci/run does)");
        _dir = Directory.CreateTempSubdirectory("sensor-unbound-").FullName;
        var address = IPAddress.Parse("127.0.0.83");
        Endpoint = new IPEndPoint(address, ProbeTestSupport.FreePort(address));
        var config = string.Join("\n",
        [
            "server:",
            $"  interface: {address}",
            $"  port: {Endpoint.Port}",
            "  do-ip6: no",
            "  do-daemonize: no",
            "  username: \"\"",
            "  chroot: \"\"",
            $"  directory: \"{_dir}\"",
            $"  pidfile: \"{_dir}/unbound.pid\"",
            "  use-syslog: no",
            "  logfile: \"\"",
            "  verbosity: 0",
            "  num-threads: 1",
            "  access-control: 127.0.0.0/8 allow",
            "  module-config: \"iterator\"",
            "  local-zone: \".\" refuse",
            "  local-zone: \"test.\" static",
            .. Zone.Select(r => $"  local-data: '{r}'"),
            "remote-control:",
            "  control-enable: no",
            "",
        ]);
        var path = Path.Combine(_dir, "unbound.conf");
        File.WriteAllText(path, config);
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-d");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(path);
        _process = Process.Start(start)!;
        var stderr = new System.Text.StringBuilder();
        _process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var dns = new MailDns(Endpoint, TimeSpan.FromMilliseconds(300));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (dns.QueryAsync("mx1.example.test", QueryType.A, default).Result.Kind == DnsAnswerKind.Records)
                break;
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                Dispose();
                lock (stderr)
                    throw new InvalidOperationException($"unbound did not start on {Resolver}: {stderr}");
            }
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
