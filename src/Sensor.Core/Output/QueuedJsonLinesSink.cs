using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Sensor.Core.Detection;
using Sensor.Core.Sessions;

namespace Sensor.Core.Output;

/// <summary>
/// JSON Lines serialised and written on a thread of its own, in the order the records came. A
/// replay's sessions thread is its slowest stage, and serialising every record cost it about a
/// quarter of its time (bench/README.md); the capture thread leaves enough of the second core to
/// do it there. Records are handed over in bounded batches (memory stays bounded) and are not
/// changed after they are made. <see cref="Complete"/> waits for the last line and rethrows a
/// write failure (a closed pipe, a full disk); a failure also stops the sender at its next record.
/// </summary>
public sealed class QueuedJsonLinesSink : IRecordSink, IDisposable
{
    public const int BatchRecords = 256;
    public const int BatchesInFlight = 16;

    private readonly JsonLinesWriter _writer;
    private readonly BlockingCollection<ArraySegment<object>> _full = new(BatchesInFlight);
    private readonly Thread _thread;
    private object[] _batch = new object[BatchRecords];
    private int _count;
    private volatile ExceptionDispatchInfo? _failure;

    public QueuedJsonLinesSink(JsonLinesWriter writer)
    {
        _writer = writer;
        _thread = new Thread(Work) { IsBackground = true, Name = "sensor-json" };
        _thread.Start();
    }

    public void OnSession(MailSession session, SessionRecord record) => Add(record);
    public void OnFinding(Finding finding, FindingRecord record) => Add(record);
    public void OnVerdict(VerdictRecord record) => Add(record);

    /// <summary>Hands over what is left, waits until it is written, and rethrows what writing failed with.</summary>
    public void Complete()
    {
        if (!_full.IsAddingCompleted)
        {
            if (_count > 0)
                Hand();
            _full.CompleteAdding();
        }
        _thread.Join();
        _failure?.Throw();
    }

    private void Add(object record)
    {
        _failure?.Throw();
        _batch[_count++] = record;
        if (_count == BatchRecords)
            Hand();
    }

    private void Hand()
    {
        var batch = new ArraySegment<object>(_batch, 0, _count);
        _batch = new object[BatchRecords];
        _count = 0;
        try
        {
            _full.Add(batch);
        }
        catch (InvalidOperationException) when (_failure is not null)
        {
            _failure.Throw();
        }
    }

    private void Work()
    {
        try
        {
            foreach (var batch in _full.GetConsumingEnumerable())
                foreach (var record in batch)
                    Write(record);
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
            _full.CompleteAdding();
        }
    }

    private void Write(object record)
    {
        switch (record)
        {
            case SessionRecord session: _writer.Write(session); break;
            case FindingRecord finding: _writer.Write(finding); break;
            case VerdictRecord verdict: _writer.Write(verdict); break;
        }
    }

    /// <summary>Stops the thread even when the run failed before <see cref="Complete"/>; never throws.</summary>
    public void Dispose()
    {
        if (!_full.IsAddingCompleted)
            _full.CompleteAdding();
        _thread.Join();
        _full.Dispose();
    }
}
