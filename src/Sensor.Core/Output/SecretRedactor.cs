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

    // One keyed HMAC reused for every secret: the one-shot HashData set up OpenSSL's MAC afresh each
    // call, about 5% of a replay's sessions thread. Locked because live workers share the redactor.
    private readonly IncrementalHash _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);

    public string? Fingerprint(string? secret)
    {
        if (secret is null)
            return null;
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        lock (_hmac)
        {
            _hmac.AppendData(Encoding.UTF8.GetBytes(secret));
            _hmac.GetHashAndReset(mac);
        }
        return "hmac-sha256:" + Convert.ToHexStringLower(mac[..8]);
    }

    /// <summary>Reads the installation's key, creating it (32 random bytes, mode 0600) on first use.</summary>
    public static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path))
            return File.ReadAllBytes(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        file.Write(key);
        return key;
    }
}
