using System.Security.Cryptography;
using System.Text;

namespace Sensor.Core.Output;

/// <summary>
/// Keeps secrets in the process (docs/output.md): a secret leaves only as "redacted" plus a keyed
/// fingerprint (HMAC-SHA256 with a per-installation key, so repeats can be told apart without a
/// cheap hash anyone could brute-force), unless the user asked for secrets with --show-secrets.
/// </summary>
public sealed class SecretRedactor(bool reveal, byte[] key)
{
    public const string Redacted = "redacted";

    public bool Reveal { get; } = reveal;

    public string? Value(string? secret) => secret is null ? null : Reveal ? secret : Redacted;

    /// <summary>
    /// A finding read back from the store, which holds secrets when the run that wrote it had
    /// --show-secrets: unless its reader asks to <paramref name="reveal"/> them too, the secret is
    /// "redacted" again and its bytes dropped; the fingerprint stays.
    /// </summary>
    public static FindingRecord Stored(FindingRecord record, bool reveal)
    {
        if (reveal)
            return record;
        if (record.Evidence.TryGetValue(Catalogue.EvidenceKeys.Secret, out var secret) && secret is not null)
            record.Evidence[Catalogue.EvidenceKeys.Secret] = Redacted;
        record.Evidence.Remove(Catalogue.EvidenceKeys.SecretBase64);
        return record;
    }

    // One keyed HMAC reused for every secret: the one-shot HashData set up OpenSSL's MAC afresh each
    // call, about 5% of a replay's sessions thread. Locked because live workers share the redactor.
    private readonly IncrementalHash _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);

    /// <summary>The HMAC of the secret's exact bytes: <paramref name="base64"/> when they were not UTF-8, else the text's UTF-8.</summary>
    public string? Fingerprint(string? secret, string? base64 = null)
    {
        if (secret is null)
            return null;
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var bytes = base64 is null ? Encoding.UTF8.GetBytes(secret) : Convert.FromBase64String(base64);
        lock (_hmac)
        {
            _hmac.AppendData(bytes);
            _hmac.GetHashAndReset(mac);
        }
        return "hmac-sha256:" + Convert.ToHexStringLower(mac[..8]);
    }

    /// <summary>
    /// The fingerprint key of a run: the installation's, beside the store it goes with
    /// (<paramref name="storePath"/>); without a store (--no-db) a key for this run only, held in
    /// memory, since a run that writes no store writes no key file either (fingerprints then tell
    /// repeats apart within the run).
    /// </summary>
    public static byte[] KeyFor(string? storePath) => storePath is null
        ? RandomNumberGenerator.GetBytes(32)
        : LoadOrCreateKey(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storePath))!, "fingerprint.key"));

    /// <summary>Reads the installation's key, creating it (32 random bytes, mode 0600) on first use.</summary>
    private static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path))
            return File.ReadAllBytes(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var file = new FileStream(path, options);
            file.Write(key);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.ReadAllBytes(path); // another run made it meanwhile: one key for both
        }
    }
}
