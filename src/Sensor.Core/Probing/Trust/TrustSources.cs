using System.Runtime.InteropServices;

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

    /// <summary>The sources this process was started with.</summary>
    public static TrustSources FromEnvironment()
    {
        var defaults = OpenSslDefaults.Value;
        var file = StartBundle ?? defaults.File;
        var directories = StartDirectories;
        return new TrustSources(
            string.IsNullOrEmpty(file) ? null : Path.GetFullPath(file),
            [.. (directories ?? defaults.Directory ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal)],
            directories is null);
    }

    private static readonly Lazy<(string? File, string? Directory)> OpenSslDefaults = new(ReadOpenSslDefaults);

    /// <summary>libcrypto's compiled-in paths (OPENSSLDIR/cert.pem and OPENSSLDIR/certs); none when it cannot be loaded.</summary>
    private static unsafe (string? File, string? Directory) ReadOpenSslDefaults()
    {
        foreach (var name in (string[])["libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"])
        {
            if (!NativeLibrary.TryLoad(name, out var library))
                continue;
            if (NativeLibrary.TryGetExport(library, "X509_get_default_cert_file", out var file)
                && NativeLibrary.TryGetExport(library, "X509_get_default_cert_dir", out var dir))
                return (Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)file)()), Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)dir)()));
        }
        return (null, null);
    }
}
