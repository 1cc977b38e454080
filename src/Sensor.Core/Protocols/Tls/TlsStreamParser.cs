using System.Buffers;
using System.Numerics;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;
using static Sensor.Core.Protocols.Tls.TlsContentType;

namespace Sensor.Core.Protocols.Tls;

/// <summary>
/// One direction of a TLS stream: the record layer (RFC 8446 §5.1, RFC 5246 §6.2) and the
/// plaintext handshake messages reassembled across records and segments (bounded by
/// <see cref="MaxHandshakeBytes"/>). It reads ClientHello, ServerHello, the TLS ≤1.2 Certificate
/// and plaintext alerts, and stops reading contents at ChangeCipherSpec, application data, or a TLS 1.3
/// ServerHello: everything after that is encrypted. It then only walks record headers up to the
/// direction's first application-data record, reporting that one and the first ChangeCipherSpec
/// (<see cref="TlsRecordEvent"/>): they tell whether the handshake finished. Garbage is an anomaly, never an exception.
/// The record and handshake buffers are rented from <see cref="ArrayPool{T}.Shared"/> at the size the
/// records need and returned as soon as the parser stops (or at <see cref="End"/>): a session
/// holds them only for its few plaintext handshake records. Their bytes are reserved from a
/// <see cref="BufferBudget"/> first; a refusal stops the parser as a handshake too large would.
/// </summary>
public sealed class TlsStreamParser
{
    /// <summary>RFC 8446 §5.1: a record's plaintext is at most 2^14 bytes; §5.2 lets ciphertext add 256 (TLS 1.2: 2048).</summary>
    public const int MaxRecordBytes = 16384 + 2048;
    public const int DefaultMaxHandshakeBytes = 64 * 1024;


    private readonly Direction _direction;
    private readonly byte[] _header = new byte[5];
    private readonly TlsHandshakeDecoder _decoder;
    private readonly BufferBudget _budget;
    private int _headerFill;
    private byte[] _record = [];
    private int _recordLength, _recordFill, _recordReserved;
    private byte[] _handshake = [];
    private int _handshakeFill, _handshakeReserved;
    private bool _sawRecord;
    // Contents are no longer read (encrypted from here): headers are walked and bodies skipped.
    private bool _walking;
    private bool _sawChangeCipherSpec;
    private int _skipRemaining;

    public TlsStreamParser(Direction direction, int maxHandshakeBytes = DefaultMaxHandshakeBytes, BufferBudget? budget = null)
    {
        _direction = direction;
        _budget = budget ?? BufferBudget.Unlimited;
        MaxHandshakeBytes = maxHandshakeBytes;
        _decoder = new TlsHandshakeDecoder(direction);
    }

    public int MaxHandshakeBytes { get; }

    /// <summary>True once nothing more can be read in the clear in this direction.</summary>
    public bool Stopped { get; private set; }

    /// <summary>A first byte that starts a TLS record (handshake 0x16) or an SSLv2-compatible hello (high bit set).</summary>
    public static bool LooksLikeTlsStart(byte first) => first == Handshake || (first & 0x80) != 0;

    public void Feed(ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        while (!Stopped && !data.IsEmpty)
        {
            if (_walking)
                Walk(ref data, sink);
            else if (_headerFill < _header.Length)
                FillHeader(ref data, sink);
            else
                FillRecord(ref data, sink);
        }
        if (Stopped || _walking)
            ReleaseBuffers(); // here, not where the reading stops: spans over the buffers are live until the loop is out
    }

    /// <summary>Bytes were lost: record boundaries are unknown from here, so stop rather than guess.</summary>
    public void Gap(IMailEventSink sink)
    {
        if (!Stopped)
            sink.Emit(new ProtocolAnomalyEvent(_direction, AnomalyNames.GapResync, "tls: stopped at gap"));
        Stopped = true;
        End();
    }

    /// <summary>The stream is over: stops for good and returns the pooled buffers (a partial record or message is dropped). Raises no event.</summary>
    public void End()
    {
        Stopped = true;
        ReleaseBuffers();
    }

    private void ReleaseBuffers()
    {
        Return(ref _record, ref _recordReserved);
        Return(ref _handshake, ref _handshakeReserved);
        _recordFill = _handshakeFill = 0;
    }

    private void FillHeader(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        if (!_sawRecord && _headerFill == 0 && (data[0] & 0x80) != 0)
        {
            Stop(sink, AnomalyNames.Sslv2Hello, $"first byte 0x{data[0]:x2}");
            return;
        }
        int take = Math.Min(_header.Length - _headerFill, data.Length);
        data[..take].CopyTo(_header.AsSpan(_headerFill));
        _headerFill += take;
        data = data[take..];
        if (_headerFill == _header.Length)
            OnHeader(sink);
    }

    private void OnHeader(IMailEventSink sink)
    {
        _sawRecord = true;
        byte type = _header[0];
        _recordLength = _header[3] << 8 | _header[4];
        if (_header[1] != 3 || _recordLength == 0 || _recordLength > MaxRecordBytes || type is < 20 or > 24)
        {
            Stop(sink, AnomalyNames.TlsBadRecord, WireText.Escape(_header));
            return;
        }
        if (type is not (Alert or Handshake))
        {
            // ChangeCipherSpec, application data, heartbeat: encrypted from here (RFC 5246 §7.1)
            StartWalking(_recordLength);
            OnWalkedHeader(sink);
            return;
        }
        if (_record.Length < _recordLength)
        {
            Return(ref _record, ref _recordReserved);
            if (!Rent(_recordLength, out _record, out _recordReserved))
            {
                Stop(sink, AnomalyNames.TlsHandshakeTooLarge, "record over the buffer budget");
                return;
            }
        }
        _recordFill = 0;
    }

    private void FillRecord(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        int take = Math.Min(_recordLength - _recordFill, data.Length);
        data[..take].CopyTo(_record.AsSpan(_recordFill));
        _recordFill += take;
        data = data[take..];
        if (_recordFill < _recordLength)
            return;
        _headerFill = 0;
        if (_header[0] == Alert)
            OnAlert(sink);
        else
            OnHandshakeRecord(_record.AsSpan(0, _recordLength), sink);
    }

    /// <summary>RFC 5246 §7.2: a plaintext alert is level and description; any other length is an encrypted alert.</summary>
    private void OnAlert(IMailEventSink sink)
    {
        if (_recordLength != 2)
        {
            StartWalking(0);
            return;
        }
        sink.Emit(new TlsAlertEvent(_direction, _record[0], _record[1]));
    }

    private void OnHandshakeRecord(ReadOnlySpan<byte> fragment, IMailEventSink sink)
    {
        if (_handshakeFill + fragment.Length > MaxHandshakeBytes)
        {
            Stop(sink, AnomalyNames.TlsHandshakeTooLarge, $"over {MaxHandshakeBytes} bytes");
            return;
        }
        if (_handshake.Length < _handshakeFill + fragment.Length && !GrowHandshake(_handshakeFill + fragment.Length))
        {
            Stop(sink, AnomalyNames.TlsHandshakeTooLarge, "over the buffer budget");
            return;
        }
        fragment.CopyTo(_handshake.AsSpan(_handshakeFill));
        _handshakeFill += fragment.Length;
        DrainMessages(sink);
    }

    /// <summary>RFC 8446 §4: msg_type(1) length(3) body; messages may span records, several may share one.</summary>
    private void DrainMessages(IMailEventSink sink)
    {
        int offset = 0;
        while (!Stopped && _handshakeFill - offset >= 4)
        {
            var pending = _handshake.AsSpan(offset, _handshakeFill - offset);
            int length = pending[1] << 16 | pending[2] << 8 | pending[3];
            if (length + 4 > MaxHandshakeBytes)
            {
                Stop(sink, AnomalyNames.TlsHandshakeTooLarge, $"message of {length} bytes");
                return;
            }
            if (pending.Length < length + 4)
                break;
            if (_decoder.Decode(pending[0], pending.Slice(4, length), sink))
            {
                StartWalking(0); // TLS 1.3 ServerHello: whatever follows in this record is not read
                return;
            }
            offset += length + 4;
        }
        _handshake.AsSpan(offset, _handshakeFill - offset).CopyTo(_handshake);
        _handshakeFill -= offset;
    }

    /// <summary>
    /// Contents are encrypted from here: only record headers are read, starting after
    /// <paramref name="skip"/> more bytes (the body of the record just begun). Feed gives the buffers back.
    /// </summary>
    private void StartWalking(int skip)
    {
        _walking = true;
        _skipRemaining = skip;
        _headerFill = 0;
    }

    private void Walk(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        if (_skipRemaining > 0)
        {
            int skip = Math.Min(_skipRemaining, data.Length);
            data = data[skip..];
            _skipRemaining -= skip;
            return;
        }
        int take = Math.Min(_header.Length - _headerFill, data.Length);
        data[..take].CopyTo(_header.AsSpan(_headerFill));
        _headerFill += take;
        data = data[take..];
        if (_headerFill < _header.Length)
            return;
        _headerFill = 0;
        if (_header[1] != 3 || _header[0] is < ChangeCipherSpec or > 24)
        {
            Stopped = true; // record boundaries lost: nothing more can be told
            return;
        }
        _skipRemaining = _header[3] << 8 | _header[4];
        OnWalkedHeader(sink);
    }

    /// <summary>The first ChangeCipherSpec and the first application-data record of this direction are reported; after the latter nothing more is read.</summary>
    private void OnWalkedHeader(IMailEventSink sink)
    {
        byte type = _header[0];
        if (type == ChangeCipherSpec && !_sawChangeCipherSpec)
        {
            _sawChangeCipherSpec = true;
            sink.Emit(new TlsRecordEvent(_direction, type));
        }
        else if (type == ApplicationData)
        {
            sink.Emit(new TlsRecordEvent(_direction, type));
            Stopped = true;
        }
    }

    private bool GrowHandshake(int needed)
    {
        if (!Rent(needed, out var grown, out int reserved))
            return false;
        _handshake.AsSpan(0, _handshakeFill).CopyTo(grown);
        Return(ref _handshake, ref _handshakeReserved);
        (_handshake, _handshakeReserved) = (grown, reserved);
        return true;
    }

    /// <summary>Reserves the size the pool hands out (a power of two) and rents it; false, with nothing rented, when the budget refuses.</summary>
    private bool Rent(int needed, out byte[] buffer, out int reserved)
    {
        reserved = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, needed));
        if (!_budget.TryReserve(reserved))
        {
            (buffer, reserved) = ([], 0);
            return false;
        }
        buffer = ArrayPool<byte>.Shared.Rent(needed);
        return true;
    }

    private void Return(ref byte[] buffer, ref int reserved)
    {
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
        _budget.Release(reserved);
        reserved = 0;
    }

    private void Stop(IMailEventSink sink, string anomaly, string detail)
    {
        sink.Emit(new ProtocolAnomalyEvent(_direction, anomaly, detail));
        Stopped = true;
    }
}
