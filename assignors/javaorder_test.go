package assignors

import (
	"reflect"
	"testing"
)

func TestJavaStringHash(t *testing.T) {
	// Values of "s".hashCode() as Java computes them.
	cases := map[string]int32{
		"":                   0,
		"a":                  97,
		"hello":              99162322,
		"consumer":           -567770122,
		"polygenelubricants": -2147483648, // a famous Integer.MIN_VALUE hash
		"é":                  233,
	}
	for s, want := range cases {
		if got := JavaStringHash(s); got != want {
			t.Errorf("JavaStringHash(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestJavaCapacities(t *testing.T) {
	for _, c := range []struct{ n, def, cp int }{
		{0, 16, 16}, {1, 16, 2}, {12, 16, 32}, {13, 32, 32}, {24, 32, 64}, {25, 64, 64}, {2000, 4096, 4096},
	} {
		if got := JavaDefaultCapacity(c.n); got != c.def {
			t.Errorf("JavaDefaultCapacity(%d) = %d, want %d", c.n, got, c.def)
		}
		if got := JavaCopyCapacity(c.n); got != c.cp {
			t.Errorf("JavaCopyCapacity(%d) = %d, want %d", c.n, got, c.cp)
		}
	}
}

func TestJavaHashOrder(t *testing.T) {
	// Integer keys smaller than the table size iterate in ascending order.
	got := JavaHashOrder([]int32{5, 3, 9, 0}, 16)
	if want := []int{3, 1, 0, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("integer order = %v, want %v", got, want)
	}
	// 16 and 0 share bucket 0 of a 16-slot table: insertion order breaks the tie.
	got = JavaHashOrder([]int32{16, 1, 0}, 16)
	if want := []int{0, 2, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("bucket tie order = %v, want %v", got, want)
	}
}

func TestJavaStringCompare(t *testing.T) {
	if JavaStringCompare("consumer-10", "consumer-2") >= 0 {
		t.Error("Java orders consumer-10 before consumer-2")
	}
	// U+FFFD (one unit 0xFFFD) sorts after U+1F600 (surrogates 0xD83D...) in UTF-16 order,
	// the reverse of code point order.
	if JavaStringCompare("\U0001F600", "\uFFFD") >= 0 {
		t.Error("UTF-16 order: a surrogate pair sorts before U+FFFD")
	}
}

func TestUuidRoundTrip(t *testing.T) {
	u := TopicIDFor("orders")
	v, err := ParseUuid(u.String())
	if err != nil || v != u {
		t.Fatalf("ParseUuid(%s) = %v, %v", u, v, err)
	}
	if len(u.String()) != 22 {
		t.Fatalf("Uuid string %q is not 22 characters", u)
	}
	if TopicIDFor("orders") != u || TopicIDFor("payments") == u {
		t.Fatal("TopicIDFor must be a function of the name")
	}
}
