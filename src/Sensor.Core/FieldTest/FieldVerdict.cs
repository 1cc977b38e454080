using Sensor.Core.Output;
using Sensor.Core.Probing;

namespace Sensor.Core.FieldTest;

/// <summary>How bad a field verdict is, worst first (the order the report lists them in).</summary>
public enum FieldLevel
{
    /// <summary>Something on this network changes what the server says: STARTTLS removed or refused, TLS broken, a different certificate.</summary>
    Interference = 0,
    /// <summary>No encryption, and nothing says the network did it.</summary>
    NotEncrypted = 1,
    /// <summary>Encrypted, with a catch a person should know (outdated TLS, an invalid certificate where a mail program checks it).</summary>
    Caution = 2,
    /// <summary>Could not tell: unreachable, or answers that were not understood.</summary>
    NotTested = 3,
    /// <summary>Encrypted.</summary>
    Encrypted = 4,
}

/// <summary>One plain-language verdict for one port of one target.</summary>
public sealed record FieldJudgement(FieldLevel Level, string Sentence);

/// <summary>
/// The plain-language judgement of `sensor fieldtest`: what this vantage saw on one port, against the
/// latest results other vantage points saw for the same service. Pure: records in, a sentence out.
/// </summary>
public static class FieldVerdict
{
    public const string NoComparison = "No comparison available: run `sensor probe --json` from another network and `sensor import` it here";

    /// <summary>The word shown with the colour, so a black-and-white print still says it.</summary>
    public static string Label(FieldLevel level) => level switch
    {
        FieldLevel.Interference => "DANGER",
        FieldLevel.NotEncrypted => "NOT ENCRYPTED",
        FieldLevel.Caution => "CAUTION",
        FieldLevel.NotTested => "NOT TESTED",
        _ => "OK",
    };

    /// <summary>A symbol for the level (also in black and white).</summary>
    public static string Icon(FieldLevel level) => level switch
    {
        FieldLevel.Interference => "\u2716", // ✖
        FieldLevel.NotEncrypted => "\u26A0", // ⚠
        FieldLevel.Caution => "!",
        FieldLevel.NotTested => "?",
        _ => "\u2714", // ✔
    };

    /// <param name="host">the target as the person named it (a mail domain or host), used in the sentence</param>
    /// <param name="here">this vantage's probe of the port</param>
    /// <param name="elsewhere">the latest probe of the same service from each other vantage point (may be empty)</param>
    public static FieldJudgement Judge(string host, ProbeRecord here, IReadOnlyList<ProbeRecord> elsewhere)
    {
        var port = here.Port;
        var answered = elsewhere.Where(Answered).ToList();
        // Advertised: the capability was there (even if that server then refused it). Working: not refused.
        bool advertisedElsewhere = answered.Any(e => e.TlsEstablished || e.StarttlsOffered);
        bool workingElsewhere = answered.Any(e => e.TlsEstablished || (e.StarttlsOffered && e.Outcome != ProbeOutcome.StartTlsRefused));
        bool tlsElsewhere = answered.Any(e => e.TlsEstablished);
        var consequence = Consequence(host, here.Protocol);

        if (here.Outcome == ProbeOutcome.Unresolvable)
            return Unresolvable(host, here, answered);
        if (!Answered(here))
        {
            var sentence = port == 25 ? "Could not reach port 25 from here (many networks block it)" : $"Could not reach port {port} from here";
            if (answered.Count > 0)
                sentence += $"; it answers from elsewhere ({Vantages(answered)})";
            return new(FieldLevel.NotTested, sentence);
        }

        switch (here.Outcome)
        {
            case ProbeOutcome.StartTlsAbsent or ProbeOutcome.StartTlsRefused:
            {
                bool refused = here.Outcome == ProbeOutcome.StartTlsRefused;
                if (refused ? workingElsewhere : advertisedElsewhere)
                    return new(FieldLevel.Interference, $"Your network {(refused ? "blocks" : "removes")} STARTTLS on port {port}: {consequence}");
                if (answered.Count > 0)
                    return new(FieldLevel.NotEncrypted, refused
                        ? $"{host}'s server refuses encryption on port {port} (seen the same from elsewhere)"
                        : $"{host}'s server does not offer encryption on port {port} (seen the same from elsewhere)");
                return new(FieldLevel.NotEncrypted, $"No encryption on port {port} from here: {consequence}. {NoComparison}");
            }
            case ProbeOutcome.TlsFailed:
                if (tlsElsewhere)
                    return new(FieldLevel.Interference, $"Your network breaks encryption on port {port} (it works from elsewhere): {consequence}");
                return new(FieldLevel.NotEncrypted, answered.Count > 0
                    ? $"Encryption on port {port} fails (seen the same from elsewhere)"
                    : $"Encryption on port {port} failed from here. {NoComparison}");
            case ProbeOutcome.Ok when here.TlsEstablished:
                return Encrypted(host, here, answered);
            default:
                return new(FieldLevel.NotTested, $"Inconclusive on port {port}: the server's answers from here were not understood");
        }
    }

    /// <summary>A lookup that failed is said as one (with the resolver's answer), never as a port that did not answer.</summary>
    private static FieldJudgement Unresolvable(string host, ProbeRecord here, List<ProbeRecord> answered)
    {
        var error = here.Error is { Length: > 0 } e ? e : "could not look up the name";
        var lookup = char.ToUpperInvariant(error[0]) + error[1..];
        return answered.Count > 0
            ? new(FieldLevel.Interference, $"{lookup}, but it resolves from elsewhere ({Vantages(answered)}): your network's DNS hides {host}'s server on port {here.Port}")
            : new(FieldLevel.NotTested, $"{lookup}: port {here.Port} was not tried");
    }

    private static FieldJudgement Encrypted(string host, ProbeRecord here, List<ProbeRecord> answered)
    {
        var port = here.Port;
        var version = here.TlsVersion ?? "TLS";
        var certsElsewhere = CertificatesElsewhere(answered);
        if (certsElsewhere.Count > 0 && here.CertSha256 is { } cert && !certsElsewhere.Contains(cert))
            return new(FieldLevel.Interference, $"The certificate on port {port} differs from the one seen from elsewhere: your network may be intercepting encrypted traffic to {host}");
        if (version is "SSLv2" or "SSLv3" or "TLSv1" or "TLSv1.0" or "TLSv1.1")
            return new(FieldLevel.Caution, $"Encrypted, but with outdated {version} on port {port}: a capable eavesdropper may break it");
        bool valid = here.CertTrusted == true && here.NameMatch == true;
        if (IsRelay(here))
            return new(FieldLevel.Encrypted, valid
                ? $"Encrypted ({version}), valid certificate (most senders do not check it)"
                : $"Encrypted ({version}), certificate not checked by most senders");
        return valid
            ? new(FieldLevel.Encrypted, $"Encrypted ({version}), valid certificate")
            : new(FieldLevel.Caution, $"Encrypted ({version}), but the certificate is not valid: a mail program should warn, and accepting it on this network would let an interceptor in");
    }

    /// <summary>The SHA-256 of every certificate the other vantage points were shown.</summary>
    public static HashSet<string> CertificatesElsewhere(IEnumerable<ProbeRecord> elsewhere) =>
        elsewhere.Where(e => e.TlsEstablished && e.CertSha256 is not null).Select(e => e.CertSha256!).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>What one probe saw, in a few words (for the "here" and "elsewhere" columns).</summary>
    public static string Describe(ProbeRecord probe)
    {
        string tls = probe.TlsEstablished ? $"{probe.TlsVersion} {probe.TlsCipher}".Trim() : "";
        return probe.Outcome switch
        {
            ProbeOutcome.Ok when probe.ImplicitTls => $"TLS from the start, {tls}",
            ProbeOutcome.Ok => $"STARTTLS offered, {tls}",
            ProbeOutcome.StartTlsAbsent => "no STARTTLS offered",
            ProbeOutcome.StartTlsRefused => $"STARTTLS refused: {probe.StarttlsReply ?? probe.Error}",
            ProbeOutcome.TlsFailed => $"{(probe.ImplicitTls ? "TLS" : "STARTTLS offered, TLS")} failed: {probe.Error}",
            _ => probe.Error is { Length: > 0 } error ? error : probe.Outcome,
        };
    }

    /// <summary>Whether the probe got as far as the server's greeting (a refused or silent port says nothing about STARTTLS).</summary>
    public static bool Answered(ProbeRecord probe) =>
        probe.Banner is not null || probe.TlsEstablished || probe.Outcome is ProbeOutcome.Ok or ProbeOutcome.StartTlsAbsent or ProbeOutcome.StartTlsRefused or ProbeOutcome.TlsFailed;

    /// <summary>SMTP between mail servers (25, 2525, ...): senders take any certificate. 587/465 are a mail program's submission.</summary>
    public static bool IsRelay(ProbeRecord probe) => probe.Protocol == "smtp" && probe.Port is not (587 or 465);

    private static string Consequence(string host, string protocol) => protocol == "smtp"
        ? $"mail from here to {host} can be read on the way"
        : $"your password and mail at {host} can be read on the way";

    private static string Vantages(IEnumerable<ProbeRecord> probes) => string.Join(", ", probes.Select(p => p.Vantage).Distinct());
}
