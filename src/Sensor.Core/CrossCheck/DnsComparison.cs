using System.Net;
using Sensor.Core.Catalogue;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// One lookup whose answer here differs from the answer at a control vantage (an agent resolving on
/// its side, or a SOCKS proxy resolving the names it connects to): a <c>dns-tampering</c> finding.
/// </summary>
/// <param name="Variant">nxdomain, no-answer, addresses, tlsa or mta-sts (<see cref="DnsTamperingVariants"/>)</param>
/// <param name="Name">the name looked up</param>
/// <param name="RecordType">MX, A/AAAA, TLSA or TXT</param>
/// <param name="Here">what the lookup gave here, in words</param>
/// <param name="There">what it gave at the vantage, in words</param>
/// <param name="HereProbe">here's probe the lookup belongs to (time, protocol, port, server)</param>
public sealed record DnsDifference(string Variant, string Name, string RecordType, string Vantage, string Here, string There, ProbeRecord HereProbe)
{
    public FindingEntry Entry => FindingCatalogue.Find(FindingKinds.DnsTampering, Variant)!;

    public string Summary => $"{RecordType} {Name}: {Here} here, but {There} at {Vantage}";

    /// <summary>
    /// The finding record. It comes from DNS answers, not from a mail session: the flow fields that name a
    /// session or a client are empty, <c>server</c> is the address probed here (empty when there was none).
    /// </summary>
    public FindingRecord ToRecord()
    {
        var server = HereProbe.Server is { } s && IPEndPoint.TryParse(s, out var endpoint) ? endpoint : null;
        return new FindingRecord
        {
            Ts = HereProbe.Ts,
            Id = Sensor.Core.Sessions.SessionId.ForFinding($"dns|{Name}|{RecordType}|{Vantage}", FindingKinds.DnsTampering, Variant, 0, HereProbe.Ts),
            Kind = FindingKinds.DnsTampering,
            Variant = Variant,
            Severity = Entry.Severity.ToWire(),
            Confidence = Entry.Confidence[0].Value,
            Protocol = HereProbe.Protocol,
            DestIp = server?.Address.ToString() ?? "",
            DestPort = HereProbe.Port,
            Server = HereProbe.Server ?? "",
            ServerName = Name,
            Summary = Summary,
            Evidence = new()
            {
                [EvidenceKeys.Name] = Name,
                [EvidenceKeys.RecordType] = RecordType,
                [EvidenceKeys.Here] = Here,
                [EvidenceKeys.There] = There,
                [EvidenceKeys.Vantage] = Vantage,
            },
        };
    }
}

/// <summary>
/// DNS as a vantage: the answers the probe records from here carry (the addresses connected to, a
/// lookup that failed, the TLSA and MTA-STS records) against those of each control vantage's records
/// made at the same time. Pure: records in, differences out. A control only counts where it answered
/// itself: a SOCKS vantage takes the MX list from here, so it speaks for the addresses of the hosts it
/// connected to by name, never for MX, TLSA or TXT.
/// </summary>
public static class DnsComparison
{
    public static IReadOnlyList<DnsDifference> Compare(IReadOnlyList<ProbeRecord> here, IEnumerable<ProbeRecord> controls)
    {
        var differences = new List<DnsDifference>();
        foreach (var vantage in controls.Where(c => c.Outcome != ProbeOutcome.VantageUnavailable).GroupBy(c => c.Vantage, StringComparer.Ordinal))
        {
            var there = vantage.ToList();
            differences.AddRange(Lookups(here, there, vantage.Key));
            differences.AddRange(Addresses(here, there, vantage.Key));
            differences.AddRange(Tlsa(here, there, vantage.Key));
            differences.AddRange(MtaSts(here, there, vantage.Key));
        }
        return [.. differences.DistinctBy(d => (d.Variant, d.Name.ToLowerInvariant(), d.RecordType, d.Vantage))];
    }

    /// <summary>A lookup that failed here (the MX of a domain, the address of a host) and answered there.</summary>
    private static IEnumerable<DnsDifference> Lookups(IReadOnlyList<ProbeRecord> here, List<ProbeRecord> there, string vantage)
    {
        foreach (var failed in here.Where(r => r.Outcome == ProbeOutcome.Unresolvable && r.Error is not null))
        {
            var host = Host(failed);
            bool isDomain = failed.MailDomain is { } d && Same(d, host);
            var answered = there.Where(t => (isDomain ? Same(t.MailDomain, host) : Same(Host(t), host)) && Resolved(t)).ToList();
            if (answered.Count == 0)
                continue;
            var variant = MailDns.IsDenial(failed.Error!) ? DnsTamperingVariants.NxDomain : DnsTamperingVariants.NoAnswer;
            var what = isDomain ? $"MX {string.Join(", ", answered.Select(Host).Distinct(StringComparer.OrdinalIgnoreCase))}" : Answer(answered);
            yield return new(variant, host, isDomain ? "MX" : "A/AAAA", vantage, failed.Error!, what, failed);
        }
    }

    /// <summary>A host both resolved, to addresses that have none in common.</summary>
    private static IEnumerable<DnsDifference> Addresses(IReadOnlyList<ProbeRecord> here, List<ProbeRecord> there, string vantage)
    {
        foreach (var group in here.Where(r => !IPAddress.TryParse(Host(r), out _)).GroupBy(Host, StringComparer.OrdinalIgnoreCase))
        {
            var mine = group.Select(AddressOf).OfType<string>().ToHashSet();
            var theirs = there.Where(t => Same(Host(t), group.Key)).Select(AddressOf).OfType<string>().ToHashSet();
            if (mine.Count > 0 && theirs.Count > 0 && !mine.Overlaps(theirs))
                yield return new(DnsTamperingVariants.Addresses, group.Key, "A/AAAA", vantage, Sorted(mine), Sorted(theirs), group.First());
        }
    }

    /// <summary>TLSA records at the vantage for a name that has none here (a DANE sender here would not insist on TLS).</summary>
    private static IEnumerable<DnsDifference> Tlsa(IReadOnlyList<ProbeRecord> here, List<ProbeRecord> there, string vantage)
    {
        foreach (var mine in here.Where(r => r.Dane is { Checked: true, Name: not null, Tlsa.Count: 0 }))
        {
            var theirs = there.FirstOrDefault(t => t.Dane.Checked && Same(t.Dane.Name, mine.Dane.Name) && t.Dane.Tlsa.Count > 0);
            if (theirs is not null)
                yield return new(DnsTamperingVariants.Tlsa, mine.Dane.Name!, "TLSA", vantage, mine.Dane.Note ?? "no TLSA record",
                    $"{theirs.Dane.Tlsa.Count} TLSA record(s) ({theirs.Dane.Dnssec})", mine);
        }
    }

    /// <summary>An MTA-STS TXT record at the vantage for a domain that has none here (a sender here would not enforce the policy).</summary>
    private static IEnumerable<DnsDifference> MtaSts(IReadOnlyList<ProbeRecord> here, List<ProbeRecord> there, string vantage)
    {
        foreach (var mine in here.Where(r => r.MtaSts is { Checked: true, Txt: null, Domain: not null }))
        {
            var theirs = there.FirstOrDefault(t => t.MtaSts.Checked && Same(t.MtaSts.Domain, mine.MtaSts.Domain) && t.MtaSts.Txt is not null);
            if (theirs is not null)
                yield return new(DnsTamperingVariants.MtaSts, $"_mta-sts.{mine.MtaSts.Domain}", "TXT", vantage, mine.MtaSts.Note ?? "no MTA-STS record",
                    $"\"{theirs.MtaSts.Txt}\"", mine);
        }
    }

    /// <summary>The vantage resolved the name: it named an address, or reached a server by it (a SOCKS proxy resolving it).</summary>
    private static bool Resolved(ProbeRecord r) =>
        r.Outcome != ProbeOutcome.Unresolvable && (r.Server is not null || r.Banner is not null || r.TlsEstablished);

    private static string Answer(List<ProbeRecord> answered)
    {
        var addresses = answered.Select(AddressOf).OfType<string>().ToHashSet();
        return addresses.Count > 0 ? Sorted(addresses) : "reached by name through the proxy";
    }

    private static string? AddressOf(ProbeRecord r) =>
        r.Outcome != ProbeOutcome.Unresolvable && r.Server is { } s && IPEndPoint.TryParse(s, out var e) ? e.Address.ToString() : null;

    /// <summary>The host of the record's target ("HOST:PORT", "[v6]:PORT").</summary>
    private static string Host(ProbeRecord r)
    {
        var target = r.Target;
        var colon = target.LastIndexOf(':');
        var host = colon > 0 ? target[..colon] : target;
        return host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
    }

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a.TrimEnd('.'), b.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);

    private static string Sorted(IEnumerable<string> values) => string.Join(", ", values.Order(StringComparer.Ordinal));
}
