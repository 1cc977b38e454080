using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sensor.Core.Probing.Dns;

/// <summary>One TLSA record: certificate usage, selector, matching type and the association data.</summary>
public sealed record Tlsa(int Usage, int Selector, int Matching, byte[] Data)
{
    public string DataHex => Convert.ToHexStringLower(Data);
}

/// <summary>What DANE matching concluded (DESIGN.md's dane.result), and why in one line.</summary>
public sealed record DaneVerdict(string Result, string? Note);

/// <summary>
/// DANE for SMTP (RFC 7672 §3.1) against the certificate a probe saw: pure, no I/O.
/// DANE-EE(3) records are compared with the leaf certificate (selector 0) or its SPKI (selector 1),
/// in full (matching 0), SHA-256 (1) or SHA-512 (2); the name and dates of the leaf are not checked
/// (RFC 7672 §3.1.1). DANE-TA(2) needs the chain up to the trust anchor, which the probe does not
/// keep, so it is reported as not verifiable rather than guessed. PKIX-TA(0)/PKIX-EE(1) are
/// unusable for SMTP (§3.1.3), as are unknown usages, selectors and matching types, and digests of
/// the wrong length. Only records from a DNSSEC-validated answer count (§2.2): the caller says so.
/// </summary>
public static class DaneMatcher
{
    public const string Match = "match";
    public const string Mismatch = "mismatch";
    public const string Unusable = "unusable";
    public const string None = "none";

    public const string TaNotVerifiable = "dane-ta not verifiable with the leaf only";

    public static DaneVerdict Evaluate(IReadOnlyList<Tlsa> records, bool validated, byte[]? leafDer)
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
        if (usableTa.Count > 0)
            return new(Unusable, usableEe.Count > 0 ? $"no DANE-EE(3) record matches; {TaNotVerifiable}" : TaNotVerifiable);
        return new(Mismatch, "no DANE-EE(3) record matches the certificate");
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
