package assignors

import (
	"fmt"
	"testing"
	"time"
)

// OracleLine sends one raw request line to the oracle JVM this test binary
// owns and returns its answer. It exists for placement_oracle_test.go,
// which checks the placement package against Kafka's replica placer: that
// test lives in this directory (package assignors_test) so that one test
// binary builds and runs the oracle, never two at once.
func OracleLine(t testing.TB, line []byte) (string, error) {
	cur := oracle(t)
	if _, err := cur.in.Write(append(line, '\n')); err != nil {
		return "", err
	}
	select {
	case l, ok := <-cur.lines:
		if !ok || l.err != nil {
			return "", fmt.Errorf("oracle died: %v", l.err)
		}
		return l.text, nil
	case <-time.After(oracleTimeout):
		cur.stop()
		next, err := oracleStart(cur.cp)
		if err != nil {
			return "", fmt.Errorf("restarting the oracle: %v", err)
		}
		oracleCur = next
		return "", errOracleTimeout
	}
}
