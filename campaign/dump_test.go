package campaign

import (
	"os"
	"testing"
)

func TestDumpSeed(t *testing.T) {
	if *seedFlag == 0 || os.Getenv("DUMP") == "" {
		t.Skip()
	}
	os.WriteFile(os.Getenv("DUMP"), []byte(Generate(*seedFlag)), 0o644)
}
