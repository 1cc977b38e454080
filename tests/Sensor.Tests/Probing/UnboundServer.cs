using System.Diagnostics;
using System.Net;
using DnsClient;
using Sensor.Core.Probing.Dns;

namespace Sensor.Tests.Probing;

/// <summary>
/// A real validating unbound (Debian's package) on 127.0.0.83:&lt;free port&gt;, with its config in a
/// temp dir, killed on dispose. It serves test zones from local-data ("test." is a static local zone:
/// unknown names are NXDOMAIN; every other name is refused, so nothing is ever asked outside;
/// local-data is answered without AD), and, for the AD path, two zones signed on the fly by a real
/// knotd on 127.0.0.85 that unbound reaches as stub zones: signed.test with its KSK as trust anchor
/// (answers validated, AD set) and bogus.test with a trust anchor that is not its key (SERVFAIL).
/// </summary>
public sealed class UnboundServer : IDisposable
{
    public const string Binary = "/usr/sbin/unbound";
    public const string KnotBinary = "/usr/sbin/knotd";
    private readonly Process _process;
    private readonly Process? _knot;
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
        // the MTA-STS policy host: tests serve HTTPS here themselves
        "mta-sts.example.test. A 127.0.0.87",
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
        // the network a test runs from (NetworkOriginLookup): Google's myaddr names the public address, Team Cymru its AS
        $"{NetworkOriginNames.MyAddressName}. TXT \"192.0.2.1\"",
        "1.2.0.192.origin.asn.cymru.com. TXT \"64500 | 192.0.2.0/24 | NL | ripencc | 2001-01-01\"",
        "AS64500.asn.cymru.com. TXT \"64500 | NL | ripencc | 2001-01-01 | EXAMPLE-NET - Example Networks, NL\"",
    ];

    /// <summary>The signed zones' records (served by knotd, signed with dnssec-signing: on), plus the records a test adds.</summary>
    public static string SignedZone(string origin, IReadOnlyList<string> extra) => string.Join("\n",
    [
        $"$ORIGIN {origin}.",
        "$TTL 300",
        $"@ SOA ns.{origin}. hostmaster.{origin}. 1 3600 600 86400 300",
        $"@ NS ns.{origin}.",
        "ns A 127.0.0.85",
        "@ MX 10 mx1",
        "mx1 A 127.0.0.1",
        $"_25._tcp.mx1 TLSA 3 1 1 {MailSpkiSha256()}",
        "wrongmx MX 10 mx2",
        "mx2 A 127.0.0.1",
        "_25._tcp.mx2 TLSA 3 1 1 0000000000000000000000000000000000000000000000000000000000000000",
        "_mta-sts TXT \"v=STSv1; id=signed1;\"",
        .. extra,
        "",
    ]);

    public UnboundServer() : this([])
    {
    }

    /// <param name="extraSigned">more records for signed.test (relative names), e.g. a test's own TLSA records</param>
    internal UnboundServer(IReadOnlyList<string> extraSigned)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} not found: install Debian's unbound (.ci/run does)");
        _dir = Directory.CreateTempSubdirectory("sensor-unbound-").FullName;
        var address = IPAddress.Parse("127.0.0.83");
        Endpoint = new IPEndPoint(address, ProbeTestSupport.FreePort(address));
        var knotAddress = IPAddress.Parse("127.0.0.85");
        var knotPort = ProbeTestSupport.FreePort(knotAddress);
        _knot = StartKnot(knotAddress, knotPort, extraSigned);
        var ksk = KeySigningKey(knotAddress, knotPort, "signed.test");
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
            "  do-not-query-localhost: no",
            "  module-config: \"validator iterator\"",
            $"  trust-anchor: \"signed.test. DNSKEY {ksk}\"",
            // bogus.test is anchored to signed.test's key: its signatures cannot validate
            $"  trust-anchor: \"bogus.test. DNSKEY {ksk}\"",
            "  local-zone: \".\" refuse",
            "  local-zone: \"test.\" static",
            .. Zone.Select(r => $"  local-data: '{r}'"),
            "  local-zone: \"signed.test.\" transparent",
            "  local-zone: \"bogus.test.\" transparent",
            "stub-zone:",
            "  name: \"signed.test.\"",
            $"  stub-addr: {knotAddress}@{knotPort}",
            "stub-zone:",
            "  name: \"bogus.test.\"",
            $"  stub-addr: {knotAddress}@{knotPort}",
            "remote-control:",
            "  control-enable: no",
            "",
        ]);
        var stderr = new System.Text.StringBuilder();
        _process = StartDaemon(Binary, "unbound.conf", config, stderr, "-d");
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

    private Process StartKnot(IPAddress address, int port, IReadOnlyList<string> extraSigned)
    {
        if (!File.Exists(KnotBinary))
            throw new InvalidOperationException($"{KnotBinary} not found: install Debian's knot (.ci/run does)");
        foreach (var zone in new[] { "signed.test", "bogus.test" })
            File.WriteAllText(Path.Combine(_dir, zone + ".zone"), SignedZone(zone, zone == "signed.test" ? extraSigned : []));
        var config = string.Join("\n",
        [
            "server:",
            $"    listen: {address}@{port}",
            $"    rundir: \"{_dir}\"",
            "database:",
            $"    storage: \"{_dir}\"",
            "template:",
            "  - id: default",
            $"    storage: \"{_dir}\"",
            "    zonefile-sync: -1",
            "    zonefile-load: difference-no-serial",
            "    journal-content: all",
            "    dnssec-signing: on",
            "zone:",
            "  - domain: signed.test",
            "  - domain: bogus.test",
            "",
        ]);
        return StartDaemon(KnotBinary, "knot.conf", config, new System.Text.StringBuilder());
    }

    /// <summary>Writes the config into the temp dir and starts the daemon in the foreground with it, stderr collected.</summary>
    private Process StartDaemon(string binary, string configName, string config, System.Text.StringBuilder stderr, params string[] args)
    {
        var path = Path.Combine(_dir, configName);
        File.WriteAllText(path, config);
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[.. args, "-c", path])
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>The KSK knotd made for a zone, as "257 3 ALG BASE64", once the zone is signed.</summary>
    private string KeySigningKey(IPAddress address, int port, string zone)
    {
        var dns = new MailDns(new IPEndPoint(address, port), TimeSpan.FromMilliseconds(300));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15) && !_knot!.HasExited)
        {
            var ksk = dns.QueryAsync(zone, QueryType.DNSKEY, default).Result.Records.OfType<DnsClient.Protocol.DnsKeyRecord>().FirstOrDefault(k => k.Flags == 257);
            if (ksk is not null)
                return $"257 {ksk.Protocol} {(int)ksk.Algorithm} {Convert.ToBase64String(ksk.PublicKey.ToArray())}";
            Thread.Sleep(100);
        }
        Dispose();
        throw new InvalidOperationException($"knotd did not serve a signed {zone} on {address}:{port}");
    }

    public void Dispose()
    {
        if (_knot is { HasExited: false })
            _knot.Kill();
        _knot?.WaitForExit(5000);
        _knot?.Dispose();
        if (_process is { HasExited: false })
            _process.Kill();
        _process?.WaitForExit(5000);
        _process?.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
