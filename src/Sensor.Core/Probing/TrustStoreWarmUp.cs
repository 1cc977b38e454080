using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sensor.Core.Probing;

/// <summary>
/// Loads the system's trust store on a pool thread as soon as probing starts. .NET on Linux reads
/// every certificate of the CA bundle and of /etc/ssl/certs once per process (about 150 files)
/// before it builds the first chain, and SslStream builds one inside every handshake: done up front
/// it overlaps the start-up, DNS and the mail dialogue instead of stalling the first handshake.
/// The store is cached process-wide, so the handshake waits for this load rather than repeating it.
/// </summary>
internal static class TrustStoreWarmUp
{
    private static int _started;

    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(_ => Load(), null);
    }

    private static void Load()
    {
        try
        {
            using var root = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            root.Open(OpenFlags.ReadOnly);
            foreach (var certificate in root.Certificates)
                certificate.Dispose();
        }
        catch (CryptographicException)
        {
            // No readable store: the handshake's own chain build reports it.
        }
    }
}
