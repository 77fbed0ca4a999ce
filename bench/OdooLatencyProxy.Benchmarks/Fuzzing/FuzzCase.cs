namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>
/// One generated case: the bytes a client sends on one connection, written in pieces that end at Splits (with a short
/// pause between), the traits the generator chose, and whether the client leaves after writing (with a reset or not).
/// </summary>
internal sealed record FuzzCase(int Number, byte[] Bytes, IReadOnlyList<int> Splits, IReadOnlyList<string> Traits, bool EarlyClose, bool Reset);
