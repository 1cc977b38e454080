using Sensor.Core.CrossCheck;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;

namespace Sensor.Tests.CrossCheck;

/// <summary>
/// DNS as a vantage: here's probe records against a control vantage's, each kind of difference, and the
/// answers that agree (no finding). The records are as `probe` writes them for example.org (MX mx1 and mx2).
/// </summary>
public class DnsComparisonTests
{
    private const string Here = "local";
    private const string Far = "vps-fra";
    private const string Resolver = "192.0.2.53:53";

    private static ProbeRecord Probe(string vantage, string host, string? server, string outcome = ProbeOutcome.Ok, string? error = null, string? domain = "example.org") => new()
    {
        Vantage = vantage,
        Ts = "2026-12-07T12:00:00.000000Z",
        Target = $"{host}:25",
        Server = server,
        Protocol = "smtp",
        Port = 25,
        Outcome = outcome,
        Error = error,
        MailDomain = domain,
        Banner = outcome == ProbeOutcome.Ok ? "220 mx ESMTP" : null,
    };

    private static ProbeRecord Denied(string host, string? domain = "example.org") =>
        Probe(Here, host, null, ProbeOutcome.Unresolvable, MailDns.CouldNotLookUp(host, $"NXDOMAIN from {Resolver}"), domain);

    private static List<(string, string, string, string, string, string)> Of(IReadOnlyList<DnsDifference> differences) =>
        [.. differences.Select(d => (d.Variant, d.Name, d.RecordType, d.Vantage, d.Here, d.There))];

    [Fact]
    public void TheSameAnswersEverywhereAreNoFinding()
    {
        var here = new[] { Probe(Here, "mx1.example.org", "198.51.100.1:25"), Probe(Here, "mx2.example.org", "198.51.100.2:25") };
        var far = new[] { Probe(Far, "mx1.example.org", "198.51.100.1:25"), Probe(Far, "mx2.example.org", "198.51.100.2:25") };
        Assert.Empty(DnsComparison.Compare(here, far));
    }

    [Fact]
    public void AHostDeniedHereThatResolvesThereIsNxdomain()
    {
        var here = new[] { Probe(Here, "mx1.example.org", "198.51.100.1:25"), Denied("mx2.example.org") };
        var far = new[] { Probe(Far, "mx1.example.org", "198.51.100.1:25"), Probe(Far, "mx2.example.org", "198.51.100.2:25") };
        Assert.Equal([("nxdomain", "mx2.example.org", "A/AAAA", Far, $"could not look up mx2.example.org (NXDOMAIN from {Resolver})", "198.51.100.2")],
            Of(DnsComparison.Compare(here, far)));
    }

    [Fact]
    public void ADomainWhoseMxIsDeniedHereIsNxdomainOfTheMx()
    {
        var here = new[] { Denied("example.org") };
        var far = new[] { Probe(Far, "mx1.example.org", "198.51.100.1:25"), Probe(Far, "mx2.example.org", "198.51.100.2:25") };
        var difference = Assert.Single(DnsComparison.Compare(here, far));
        Assert.Equal(("nxdomain", "example.org", "MX", "MX mx1.example.org, mx2.example.org"), (difference.Variant, difference.Name, difference.RecordType, difference.There));
        var record = difference.ToRecord();
        Assert.Equal(("dns-tampering", "nxdomain", "high", 0.8, "", "", 25, "example.org"),
            (record.Kind, record.Variant, record.Severity, record.Confidence, record.Server, record.Session, record.DestPort, record.ServerName));
    }

    [Fact]
    public void ALookupThatFailsHereWithoutADenialIsNoAnswer()
    {
        var timedOut = Probe(Here, "mx1.example.org", null, ProbeOutcome.Unresolvable,
            MailDns.CouldNotLookUp("A mx1.example.org", $"timeout: no answer from {Resolver} within 10 s"));
        var difference = Assert.Single(DnsComparison.Compare([timedOut], [Probe(Far, "mx1.example.org", "198.51.100.1:25")]));
        Assert.Equal(("no-answer", "medium"), (difference.Variant, difference.ToRecord().Severity));
    }

    [Fact]
    public void AddressesWithNoneInCommonDiffer_AndOneInCommonDoesNot()
    {
        var here = new[] { Probe(Here, "mx1.example.org", "203.0.113.66:25") };
        Assert.Equal([("addresses", "mx1.example.org", "A/AAAA", Far, "203.0.113.66", "198.51.100.1")],
            Of(DnsComparison.Compare(here, [Probe(Far, "mx1.example.org", "198.51.100.1:25")])));
        // a farm answering from more addresses than one: the overlap is enough
        Assert.Empty(DnsComparison.Compare([.. here, Probe(Here, "mx1.example.org", "198.51.100.1:25")], [Probe(Far, "mx1.example.org", "198.51.100.1:25")]));
    }

    [Fact]
    public void ProbesOfTheSameHostOnSeveralPortsAreOneFinding()
    {
        var here = new[] { Denied("mail.example.org", null), Set(Denied("mail.example.org", null), r => r.Target = "mail.example.org:587") };
        var far = new[] { Probe(Far, "mail.example.org", "198.51.100.1:25", domain: null) };
        Assert.Single(DnsComparison.Compare(here, far));
    }

    [Fact]
    public void TlsaThereAndNotHereIsTlsa()
    {
        ProbeRecord WithTlsa(string vantage, int records) => Set(Probe(vantage, "mx1.example.org", "198.51.100.1:25"),
            r => r.Dane = new DaneCheck { Checked = true, Name = "_25._tcp.mx1.example.org", Dnssec = DnssecStatus.Validated,
                Tlsa = [.. Enumerable.Repeat(new TlsaEntry { Usage = 3, Selector = 1, Matching = 1, Data = "00" }, records)], Note = records == 0 ? "no TLSA record" : null });
        Assert.Equal([("tlsa", "_25._tcp.mx1.example.org", "TLSA", Far, "no TLSA record", "1 TLSA record(s) (validated)")],
            Of(DnsComparison.Compare([WithTlsa(Here, 0)], [WithTlsa(Far, 1)])));
        Assert.Empty(DnsComparison.Compare([WithTlsa(Here, 1)], [WithTlsa(Far, 1)]));
        Assert.Empty(DnsComparison.Compare([WithTlsa(Here, 1)], [WithTlsa(Far, 0)]));
    }

    [Fact]
    public void AnMtaStsRecordThereAndNotHereIsMtaSts()
    {
        ProbeRecord WithSts(string vantage, string? txt) => Set(Probe(vantage, "mx1.example.org", "198.51.100.1:25"),
            r => r.MtaSts = new MtaStsCheck { Checked = true, Domain = "example.org", Txt = txt });
        Assert.Equal([("mta-sts", "_mta-sts.example.org", "TXT", Far, "no MTA-STS record", "\"v=STSv1; id=1;\"")],
            Of(DnsComparison.Compare([WithSts(Here, null)], [WithSts(Far, "v=STSv1; id=1;")])));
        Assert.Empty(DnsComparison.Compare([WithSts(Here, "v=STSv1; id=1;")], [WithSts(Far, "v=STSv1; id=1;")]));
    }

    [Fact]
    public void AControlThatCouldNotAnswerSaysNothing()
    {
        var here = new[] { Denied("mx1.example.org") };
        // the proxy could not be used, and the proxy could not reach the host by name: neither says the name resolves there
        var proxy = "socks5://192.0.2.9:1080";
        var unavailable = Probe(proxy, "mx1.example.org", null, ProbeOutcome.VantageUnavailable, $"SOCKS proxy {proxy}: connection refused");
        var unreachable = Probe(proxy, "mx1.example.org", null, ProbeOutcome.Unreachable, "host unreachable (the name may not resolve there)");
        Assert.Empty(DnsComparison.Compare(here, [unavailable, unreachable]));
        // reached by name through a proxy: it resolved there
        var reached = Probe(proxy, "mx1.example.org", null);
        Assert.Equal("reached by name through the proxy", Assert.Single(DnsComparison.Compare(here, [reached])).There);
    }

    private static ProbeRecord Set(ProbeRecord record, Action<ProbeRecord> change)
    {
        change(record);
        return record;
    }
}
