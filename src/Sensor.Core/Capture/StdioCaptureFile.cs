using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SharpPcap.LibPcap;

namespace Sensor.Core.Capture;

/// <summary>
/// A capture file opened as a C stdio stream (FILE*) with a buffer of <see cref="BufferBytes"/>, for
/// libpcap to read through SharpPcap's <see cref="CaptureHandleReaderDevice"/> (pcap_fopen_offline).
/// libpcap's own open by path leaves stdio's default 4 KiB buffer: one read(2) per 4 KiB, 268,000
/// of them for the 1.1 GB benchmark capture; with this buffer about 4,200, and libpcap's read loop
/// took 0.31 s instead of 0.23 s (bench/README.md, section 3). Linux only (glibc's stdio, called as
/// "libc"); elsewhere libpcap opens the file by path.
/// </summary>
internal sealed partial class StdioCaptureFile : SafeHandleZeroOrMinusOneIsInvalid
{
    public const int BufferBytes = 256 * 1024;
    private const int FullyBuffered = 0;  // _IOFBF

    // glibc ignores setvbuf's size unless it is given the buffer, which must live as long as the stream.
    // libpcap's handle keeps this object (SharpPcap's PcapFileHandle holds it) until pcap_close closes
    // the stream, so the buffer is a field here, pinned where the GC never moves it.
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferBytes, pinned: true);

    private StdioCaptureFile() : base(ownsHandle: true) { }

    public static bool IsAvailable => OperatingSystem.IsLinux();

    /// <summary>Opens <paramref name="path"/> for libpcap; a device that opens it owns the stream from then on.</summary>
    public static CaptureHandleReaderDevice OpenDevice(string path)
    {
        var file = new StdioCaptureFile();
        file.SetHandle(FileOpen(path, "rb"));
        if (file.IsInvalid)
            throw new CaptureException(CaptureErrorKind.Unreadable, path, $"cannot read {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        unsafe
        {
            fixed (byte* buffer = file._buffer)
                SetBuffer(file.handle, buffer, FullyBuffered, (nuint)BufferBytes);
        }
        return new CaptureHandleReaderDevice(file);
    }

    /// <summary>
    /// Runs only while libpcap does not own the stream (its open failed): once it does, SharpPcap marks
    /// this handle closed and pcap_close closes the stream.
    /// </summary>
    protected override bool ReleaseHandle() => FileClose(handle) == 0;

    [LibraryImport("libc", EntryPoint = "fopen", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr FileOpen(string path, string mode);

    [LibraryImport("libc", EntryPoint = "setvbuf")]
    private static unsafe partial int SetBuffer(IntPtr file, byte* buffer, int mode, nuint size);

    [LibraryImport("libc", EntryPoint = "fclose")]
    private static partial int FileClose(IntPtr file);
}
