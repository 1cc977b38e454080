using Sensor.Core.Detection;
using Sensor.Core.Pipeline;
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
    public const int BatchesInFlight = 8;

    private readonly JsonLinesWriter _writer;
    private readonly BatchWorker<ArraySegment<object>> _worker;
    private object[] _batch = new object[BatchRecords];
    private int _count;

    public QueuedJsonLinesSink(JsonLinesWriter writer)
    {
        _writer = writer;
        _worker = new BatchWorker<ArraySegment<object>>("sensor-json", BatchesInFlight, WriteAll);
    }

    public void OnSession(MailSession session, SessionRecordOnDemand record) => Add(record.Value);
    public void OnFinding(Finding finding, FindingRecord record) => Add(record);
    public void OnVerdict(VerdictRecord record) => Add(record);
    public void OnEvidence(EvidenceRecord record) => Add(record);

    /// <summary>Hands over what is left, waits until it is written, and rethrows what writing failed with.</summary>
    public void Complete()
    {
        if (_count > 0)
            Hand();
        _worker.Complete();
    }

    private void Add(object record)
    {
        _worker.ThrowIfFailed();
        _batch[_count++] = record;
        if (_count == BatchRecords)
            Hand();
    }

    private void Hand()
    {
        var batch = new ArraySegment<object>(_batch, 0, _count);
        _batch = new object[BatchRecords];
        _count = 0;
        _worker.Add(batch);
    }

    private void WriteAll(ArraySegment<object> batch)
    {
        foreach (var record in batch)
            Write(record);
    }

    private void Write(object record)
    {
        switch (record)
        {
            case SessionRecord session: _writer.Write(session); break;
            case FindingRecord finding: _writer.Write(finding); break;
            case VerdictRecord verdict: _writer.Write(verdict); break;
            case EvidenceRecord evidence: _writer.Write(evidence); break;
        }
    }

    /// <summary>
    /// Stops the thread even when the run failed before <see cref="Complete"/>, after writing the records already
    /// taken (the other outputs had them: a run that stops on a full disk keeps its stdout whole); never throws.
    /// </summary>
    public void Dispose()
    {
        try
        {
            if (_count > 0 && !_worker.Failed)
                Hand();
        }
        catch (Exception) when (_worker.Failed)
        {
            // the writer failed meanwhile: Complete reports that failure, Dispose does not
        }
        _worker.Dispose();
    }
}
