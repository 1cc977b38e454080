using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sensor.Core.Probing.Dns;

/// <summary>One TLSA record: certificate usage, selector, matching type and the association data.</summary>
public sealed record Tlsa(int Usage, int Selector, int Matching, byte[] Data)
{
    public string DataHex => Convert.ToHexStringLower(Data);
}

/// <summary>What DANE matching concluded (the probe record's dane.result, docs/output.md), and why in one line.</summary>
public sealed record DaneVerdict(string Result, string? Note);

/// <summary>
/// DANE for SMTP (RFC 7672 §3.1) against what a probe saw: pure, no I/O.
/// DANE-EE(3) records are compared with the leaf certificate (selector 0) or its SPKI (selector 1),
/// in full (matching 0), SHA-256 (1) or SHA-512 (2); the name and dates of the leaf are not checked
/// (RFC 7672 §3.1.1). DANE-TA(2) records are compared with every certificate the server sent (the
/// leaf and the chain after it, RFC 7672 §3.1.2: the server must send its trust anchor); the one
/// that matches becomes the only trust anchor, the leaf must chain up to it (signatures and dates)
/// and must carry one of the reference names: the TLSA base domain (the MX host) or the next-hop
/// (mail) domain (RFC 7672 §3.2.2). PKIX-TA(0)/PKIX-EE(1) are unusable for SMTP (§3.1.3), as are
/// unknown usages, selectors and matching types, and digests of the wrong length. Only records from
/// a DNSSEC-validated answer count (§2.2): the caller says so.
/// </summary>
public static class DaneMatcher
{
    public const string Match = "match";
    public const string Mismatch = "mismatch";
    public const string Unusable = "unusable";
    public const string None = "none";

    /// <summary>
    /// The verdict for the records of one server. <paramref name="sentChain"/> holds the certificates
    /// the server sent after its leaf; <paramref name="referenceNames"/> the names a DANE-TA(2)
    /// chain's leaf must carry (the MX host, then the mail domain).
    /// </summary>
    public static DaneVerdict Evaluate(IReadOnlyList<Tlsa> records, bool validated, byte[]? leafDer,
        IReadOnlyList<byte[]>? sentChain = null, IReadOnlyList<string>? referenceNames = null)
    {
        if (records.Count == 0)
            return new(None, "no TLSA records");
        if (!validated)
            return new(None, "TLSA records present but the answer was not DNSSEC-validated: they do not count (RFC 7672 §2.2)");
        var usableEe = records.Where(r => r.Usage == 3 && Usable(r)).ToList();
        var usableTa = records.Where(r => r.Usage == 2 && Usable(r)).ToList();
        if (usableEe.Count == 0 && usableTa.Count == 0)
            return new(Unusable, "no usable TLSA record: " + string.Join("; ", records.Select(WhyUnusable).Distinct()));
        if (leafDer is null)
            return new(Mismatch, "usable TLSA records are published but no certificate was seen (no TLS): a DANE sender would not deliver");
        using var leaf = X509CertificateLoader.LoadCertificate(leafDer);
        if (usableEe.Any(r => Matches(r, leaf)))
            return new(Match, "a DANE-EE(3) record matches the certificate");
        if (usableTa.Count == 0)
            return new(Mismatch, "no DANE-EE(3) record matches the certificate");
        var chain = (sentChain ?? []).Select(X509CertificateLoader.LoadCertificate).ToList();
        try
        {
            var noEe = usableEe.Count > 0 ? "no DANE-EE(3) record matches the certificate; " : "";
            var anchor = new[] { leaf }.Concat(chain).FirstOrDefault(c => usableTa.Any(r => Matches(r, c)));
            if (anchor is null)
                return new(Mismatch, $"{noEe}no DANE-TA(2) record matches a certificate the server sent ({1 + chain.Count} with the leaf)");
            if (ChainErrorTo(anchor, leaf, chain) is { } chainError)
                return new(Mismatch, $"{noEe}a DANE-TA(2) record matches '{anchor.Subject}' but the certificate does not chain up to it: {chainError}");
            var names = referenceNames ?? [];
            var name = names.FirstOrDefault(n => leaf.MatchesHostname(n.TrimEnd('.')));
            if (name is null)
                return new(Mismatch, $"{noEe}the chain validates to the DANE-TA(2) anchor '{anchor.Subject}' but the certificate names none of {(names.Count == 0 ? "(no reference name)" : string.Join(", ", names))} (RFC 7672 §3.2.2)");
            return new(Match, $"a DANE-TA(2) record matches '{anchor.Subject}', the chain validates to it and the certificate names {name}");
        }
        finally
        {
            foreach (var c in chain)
                c.Dispose();
        }
    }

    /// <summary>
    /// Why the leaf does not chain up to the anchor (signatures, dates, CA constraints of every
    /// certificate below it), or null when it does. The anchor may be an intermediate: the chain is
    /// built past it and read up to it, so an untrusted or partial remainder above it does not count.
    /// </summary>
    private static string? ChainErrorTo(X509Certificate2 anchor, X509Certificate2 leaf, IReadOnlyList<X509Certificate2> sent)
    {
        if (anchor.RawData.AsSpan().SequenceEqual(leaf.RawData))
            return null;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(anchor);
        chain.ChainPolicy.ExtraStore.AddRange(sent.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.Build(leaf);
        var problems = new List<string>();
        foreach (var element in chain.ChainElements)
        {
            if (element.Certificate.RawData.AsSpan().SequenceEqual(anchor.RawData))
                return problems.Count == 0 ? null : string.Join("; ", problems.Distinct());
            problems.AddRange(element.ChainElementStatus
                .Where(s => s.Status is not (X509ChainStatusFlags.NoError or X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain))
                .Select(s => s.StatusInformation.Trim()));
        }
        return "the certificates sent do not lead from the leaf to it";
    }

    /// <summary>Whether one record matches the certificate (usage aside): selector and matching type applied.</summary>
    public static bool Matches(Tlsa record, X509Certificate2 certificate)
    {
        byte[] selected = record.Selector switch
        {
            0 => certificate.RawData,
            1 => certificate.PublicKey.ExportSubjectPublicKeyInfo(),
            _ => [],
        };
        var digest = record.Matching switch
        {
            0 => selected,
            1 => SHA256.HashData(selected),
            2 => SHA512.HashData(selected),
            _ => null,
        };
        return digest is not null && selected.Length > 0 && CryptographicOperations.FixedTimeEquals(digest, record.Data);
    }

    public static bool Usable(Tlsa r) => r.Usage is 2 or 3 && r.Selector is 0 or 1 && r.Matching switch
    {
        0 => r.Data.Length > 0,
        1 => r.Data.Length == 32,
        2 => r.Data.Length == 64,
        _ => false,
    };

    private static string WhyUnusable(Tlsa r) => r.Usage switch
    {
        0 => "PKIX-TA(0) is unusable for SMTP (RFC 7672 §3.1.3)",
        1 => "PKIX-EE(1) is unusable for SMTP (RFC 7672 §3.1.3)",
        2 or 3 when r.Selector is not (0 or 1) => $"unknown selector {r.Selector}",
        2 or 3 when r.Matching is not (0 or 1 or 2) => $"unknown matching type {r.Matching}",
        2 or 3 => $"association data of {r.Data.Length} bytes does not fit matching type {r.Matching}",
        _ => $"unknown usage {r.Usage}",
    };
}

/// <summary>The probe record's "dane" object.</summary>
public sealed class DaneCheck
{
    public bool Checked { get; set; }
    /// <summary>_PORT._tcp.HOST asked.</summary>
    public string? Name { get; set; }
    public string? Dnssec { get; set; }
    public List<TlsaEntry> Tlsa { get; set; } = [];
    public string? Result { get; set; }
    public string? Note { get; set; }

    public static DaneCheck NotChecked(string note) => new() { Note = note };
}

/// <summary>One TLSA record as written in the probe record.</summary>
public sealed class TlsaEntry
{
    public int Usage { get; set; }
    public int Selector { get; set; }
    public int Matching { get; set; }
    public string Data { get; set; } = "";
}
