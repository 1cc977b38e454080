using Sensor.Core.Output;
using Sensor.Core.Probing;

namespace Sensor.Core.FieldTest;

/// <summary>How one step of the test went, with a symbol that also reads in black and white.</summary>
public enum CheckState { Passed, Failed, NotTried, Info }

/// <summary>One step of the test of one port, in plain words: what was checked and what was found.</summary>
public sealed record FieldCheck(CheckState State, string What, string Found)
{
    public string Icon => State switch
    {
        CheckState.Passed => "\u2714", // ✔
        CheckState.Failed => "\u2716", // ✖
        CheckState.NotTried => "\u2013", // –
        _ => "i",
    };
}

/// <summary>
/// The steps of one port's test, one line each, in the order the probe takes them: DNS lookup,
/// connection, STARTTLS offered, TLS completed, certificate, comparison with the other vantage
/// points, and the interference hop when it was located. Pure: records in, lines out.
/// </summary>
public static class FieldChecks
{
    public static IReadOnlyList<FieldCheck> Of(FieldRow row)
    {
        var here = row.Here;
        List<FieldCheck> checks = [Lookup(here), Connection(here)];
        if (!here.ImplicitTls)
            checks.Add(StarttlsOffer(here));
        checks.Add(Tls(here));
        checks.Add(Certificate(here, row));
        checks.Add(Comparison(row));
        if (row.Hop is { } hop)
            checks.Add(new(CheckState.Info, "Where", Where(hop)));
        return checks;
    }

    private static FieldCheck Lookup(ProbeRecord here)
    {
        const string what = "DNS lookup";
        var host = Host(here.Target);
        if (here.Outcome == ProbeOutcome.Unresolvable)
            return new(CheckState.Failed, what, here.Error ?? $"could not look up {host}");
        var address = Address(here.Server);
        if (address is null)
            return new(CheckState.NotTried, what, "no address was learned");
        if (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out _))
            return new(CheckState.NotTried, what, $"not needed: {address} was given as an address");
        var mx = here.MailDomain is { Length: > 0 } domain && !string.Equals(domain, host.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
            ? $"the mail server of {domain} is {host}, " : $"{host} is ";
        return new(CheckState.Passed, what, $"{mx}at {address}");
    }

    private static FieldCheck Connection(ProbeRecord here)
    {
        var what = $"Connection to port {here.Port}";
        if (here.Outcome == ProbeOutcome.Unresolvable)
            return new(CheckState.NotTried, what, "not tried without an address");
        if (!FieldVerdict.Answered(here))
            return new(CheckState.Failed, what, here.Error is { Length: > 0 } e ? e : "no answer");
        return new(CheckState.Passed, what, here.Banner is { Length: > 0 } banner ? $"the server answered \"{banner}\"" : "the server answered");
    }

    private static FieldCheck StarttlsOffer(ProbeRecord here)
    {
        const string what = "STARTTLS offered";
        if (!FieldVerdict.Answered(here))
            return new(CheckState.NotTried, what, "not tried without a connection");
        if (here.StarttlsOffered)
            return new(CheckState.Passed, what, "yes: the server offered to switch to encryption");
        return here.Outcome == ProbeOutcome.StartTlsAbsent
            ? new(CheckState.Failed, what, "no: the list of what the server can do, as it arrived here, has no STARTTLS")
            : new(CheckState.NotTried, what, "the conversation stopped before the server said");
    }

    private static FieldCheck Tls(ProbeRecord here)
    {
        var what = here.ImplicitTls ? "TLS from the first byte" : "TLS completed";
        if (here.TlsEstablished)
            return new(CheckState.Passed, what, $"yes: {$"{here.TlsVersion} {here.TlsCipher}".Trim()}");
        return here.Outcome switch
        {
            ProbeOutcome.StartTlsRefused => new(CheckState.Failed, what, $"no: STARTTLS was refused ({here.StarttlsReply ?? here.Error})"),
            ProbeOutcome.TlsFailed => new(CheckState.Failed, what, $"no: {here.Error}"),
            _ => new(CheckState.NotTried, what, "not tried"),
        };
    }

    private static FieldCheck Certificate(ProbeRecord here, FieldRow row)
    {
        const string what = "Certificate";
        if (!here.TlsEstablished)
            return new(CheckState.NotTried, what, "none without TLS");
        var elsewhere = FieldVerdict.CertificatesElsewhere(row.Elsewhere);
        if (elsewhere.Count > 0 && here.CertSha256 is { } cert && !elsewhere.Contains(cert))
            return new(CheckState.Failed, what, $"not the one seen from elsewhere (SHA-256 {cert})");
        if (here.CertTrusted == true && here.NameMatch == true)
            return new(CheckState.Passed, what, $"valid for the server's name{SameAsElsewhere(elsewhere)}");
        var why = here.NameMatch == false ? "not made out to the server's name" : here.CertTrustError is { Length: > 0 } error ? error : "not from an authority this computer trusts";
        return FieldVerdict.IsRelay(here)
            ? new(CheckState.Info, what, $"{why}; servers sending mail to each other usually accept that{SameAsElsewhere(elsewhere)}")
            : new(CheckState.Failed, what, $"{why}{SameAsElsewhere(elsewhere)}");
    }

    private static string SameAsElsewhere(HashSet<string> elsewhere) => elsewhere.Count > 0 ? ", and the same as seen from elsewhere" : "";

    private static FieldCheck Comparison(FieldRow row)
    {
        const string what = "Comparison with elsewhere";
        var answered = row.Elsewhere.Where(FieldVerdict.Answered).ToList();
        if (answered.Count == 0)
            return new(CheckState.NotTried, what, row.Elsewhere.Count == 0
                ? "no result from another network to compare with"
                : $"{string.Join(", ", row.Elsewhere.Select(e => e.Vantage))} could not reach the server either");
        var seen = string.Join("; ", answered.Select(e => $"{e.Vantage} saw {FieldVerdict.Describe(e)}"));
        return row.Judgement.Level == FieldLevel.Interference
            ? new(CheckState.Failed, what, $"different: {seen}")
            : new(CheckState.Passed, what, $"no difference that matters: {seen}");
    }

    private static string Where(FieldHop hop)
    {
        if (hop.Path is { } walked)
            return walked;
        var at = hop.Address is { } address ? $" at {address}" : "";
        var network = hop.Network is { } name ? $" ({name})" : "";
        return $"the change happens {hop.Distance} hop{(hop.Distance == 1 ? "" : "s")} from here{at}{network}";
    }

    private static string Host(string target)
    {
        var colon = target.LastIndexOf(':');
        return colon > 0 && !target.EndsWith(']') ? target[..colon] : target;
    }

    private static string? Address(string? server)
    {
        if (server is null)
            return null;
        var colon = server.LastIndexOf(':');
        return (colon > 0 ? server[..colon] : server).Trim('[', ']');
    }
}
