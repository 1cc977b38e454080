using System.Runtime.InteropServices;

namespace Sensor.Core.Probing.Trust;

/// <summary>
/// The few OpenSSL functions the trust store needs, from the libcrypto .NET itself uses on Linux:
/// its compiled-in certificate paths, and the subject-name hash its certificate directories are
/// named by (`openssl rehash`, update-ca-certificates). Looked up once; absent when no libcrypto
/// can be loaded, and then the store is read whole.
/// </summary>
internal sealed unsafe class LibCrypto
{
    private readonly delegate* unmanaged<nint> _defaultCertFile;
    private readonly delegate* unmanaged<nint> _defaultCertDir;
    private readonly delegate* unmanaged<nint, byte**, long, nint> _d2iName;
    private readonly delegate* unmanaged<nint, nint, nint, int*, ulong> _nameHashEx;
    private readonly delegate* unmanaged<nint, ulong> _nameHash;
    private readonly delegate* unmanaged<nint, void> _nameFree;

    public static LibCrypto? Instance { get; } = Load();

    private LibCrypto(nint library)
    {
        _defaultCertFile = (delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "X509_get_default_cert_file");
        _defaultCertDir = (delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "X509_get_default_cert_dir");
        _d2iName = (delegate* unmanaged<nint, byte**, long, nint>)NativeLibrary.GetExport(library, "d2i_X509_NAME");
        _nameFree = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "X509_NAME_free");
        // OpenSSL 3 has X509_NAME_hash_ex; 1.1 only X509_NAME_hash (the same SHA-1 based hash)
        if (NativeLibrary.TryGetExport(library, "X509_NAME_hash_ex", out var hashEx))
            _nameHashEx = (delegate* unmanaged<nint, nint, nint, int*, ulong>)hashEx;
        else
            _nameHash = (delegate* unmanaged<nint, ulong>)NativeLibrary.GetExport(library, "X509_NAME_hash");
    }

    private static LibCrypto? Load()
    {
        foreach (var name in (string[])["libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"])
        {
            if (!NativeLibrary.TryLoad(name, out var library))
                continue;
            try
            {
                return new LibCrypto(library);
            }
            catch (EntryPointNotFoundException)
            {
                // not the libcrypto we know: try the next name
            }
        }
        return null;
    }

    public string? DefaultCertFile => Marshal.PtrToStringUTF8(_defaultCertFile());

    public string? DefaultCertDir => Marshal.PtrToStringUTF8(_defaultCertDir());

    /// <summary>OpenSSL's hash of a DER distinguished name, as certificate directories name their links (HASH.0, HASH.1, ...); null when OpenSSL cannot read the name.</summary>
    public uint? NameHash(ReadOnlySpan<byte> name)
    {
        fixed (byte* start = name)
        {
            var cursor = start;
            var parsed = _d2iName(0, &cursor, name.Length);
            if (parsed == 0)
                return null;
            try
            {
                var ok = 1;
                var hash = _nameHashEx is not null ? _nameHashEx(parsed, 0, 0, &ok) : _nameHash(parsed);
                return ok == 1 ? (uint)hash : null;
            }
            finally
            {
                _nameFree(parsed);
            }
        }
    }
}
