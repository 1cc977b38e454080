namespace Sensor.Core.Probing.Trust;

/// <summary>
/// Where the system's trust anchors are, found the way OpenSSL and .NET on Linux find them: the
/// SSL_CERT_FILE bundle and the SSL_CERT_DIR directories (colon-separated) when set, else the
/// library's compiled-in defaults, and /etc/ssl/certs when the default directories hold nothing.
/// </summary>
public sealed record TrustSources(string? BundleFile, IReadOnlyList<string> Directories, bool DirectoriesAreDefault = false)
{
    /// <summary>Where .NET looks when the default directories hold no certificate.</summary>
    public const string FallbackDirectory = "/etc/ssl/certs";

    // The two variables as the process started: read before RuntimeStoreIsolation empties them.
    private static readonly string? StartBundle = Environment.GetEnvironmentVariable("SSL_CERT_FILE");
    private static readonly string? StartDirectories = Environment.GetEnvironmentVariable("SSL_CERT_DIR");

    /// <summary>Keeps SSL_CERT_FILE and SSL_CERT_DIR as they are now, for <see cref="FromEnvironment"/>.</summary>
    internal static void KeepStartValues() => _ = StartBundle ?? StartDirectories;

    /// <summary>
    /// Whether an OpenSSL store is there: a bundle file or a certificate directory that exists (the
    /// default directories stand for /etc/ssl/certs too). Windows and macOS have neither (.NET uses the
    /// platform's own store there), nor has a Linux system without OpenSSL's certificates.
    /// </summary>
    public bool Exist =>
        (BundleFile is not null && File.Exists(BundleFile))
        || Directories.Any(Directory.Exists)
        || (DirectoriesAreDefault && OperatingSystem.IsLinux() && Directory.Exists(FallbackDirectory));

    /// <summary>The sources this process was started with.</summary>
    public static TrustSources FromEnvironment()
    {
        var file = StartBundle ?? LibCrypto.Instance?.DefaultCertFile;
        var directories = StartDirectories;
        return new TrustSources(
            string.IsNullOrEmpty(file) ? null : Path.GetFullPath(file),
            [.. (directories ?? LibCrypto.Instance?.DefaultCertDir ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal)],
            directories is null);
    }
}
