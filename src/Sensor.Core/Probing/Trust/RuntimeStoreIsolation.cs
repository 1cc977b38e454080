using System.Runtime.InteropServices;

namespace Sensor.Core.Probing.Trust;

/// <summary>
/// Points .NET's own machine store at nothing, for this process only. On Linux .NET reads every
/// certificate of SSL_CERT_FILE and SSL_CERT_DIR (as the C library's environment gives them)
/// before the first chain it builds, and SslStream builds one in every handshake: about 50 ms,
/// most of a whole probe. With both empty that chain is built against no store, and
/// <see cref="SystemTrust"/> makes the trust decision from the same sources, kept by
/// <see cref="TrustSources"/> before they are emptied. Every TLS client of the process must
/// therefore validate through <see cref="SystemTrust"/> (the probe, the MTA-STS fetch and NATS
/// do). The sensor starts no child process that would inherit the empty values.
/// </summary>
public static partial class RuntimeStoreIsolation
{
    /// <summary>Call first thing in Main, before any thread could read the environment. Linux only; a no-op elsewhere.</summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux())
            return;
        TrustSources.KeepStartValues();
        SetEnv("SSL_CERT_FILE", "/dev/null", 1); // not a regular file: .NET skips it
        SetEnv("SSL_CERT_DIR", "/dev/null", 1); // not a directory, and set: no fallback to /etc/ssl/certs
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
