package assignors

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
)

// Uuid is org.apache.kafka.common.Uuid: two signed 64-bit halves. KIP-848's
// uniform assignor iterates topic ids in HashSet<Uuid> order and sorts them by
// Uuid.compareTo, so both the hash and the order below follow Java.
type Uuid struct {
	Msb, Lsb int64
}

// IsZero reports whether u is the all-zero Uuid (Uuid.ZERO_UUID).
func (u Uuid) IsZero() bool { return u.Msb == 0 && u.Lsb == 0 }

// Compare is Uuid.compareTo: signed most-significant half, then signed least.
func (u Uuid) Compare(v Uuid) int {
	switch {
	case u.Msb < v.Msb:
		return -1
	case u.Msb > v.Msb:
		return 1
	case u.Lsb < v.Lsb:
		return -1
	case u.Lsb > v.Lsb:
		return 1
	}
	return 0
}

// JavaHash is Uuid.hashCode: (int)(x >> 32) ^ (int)x with x = msb ^ lsb.
func (u Uuid) JavaHash() int32 {
	x := u.Msb ^ u.Lsb
	return int32(x>>32) ^ int32(x)
}

// Bytes returns the 16 big-endian bytes.
func (u Uuid) Bytes() [16]byte {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(u.Msb))
	binary.BigEndian.PutUint64(b[8:], uint64(u.Lsb))
	return b
}

// String is Uuid.toString: URL-safe base64 of the 16 bytes, without padding.
func (u Uuid) String() string {
	b := u.Bytes()
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ParseUuid is Uuid.fromString.
func ParseUuid(s string) (Uuid, error) {
	if len(s) > 22 {
		return Uuid{}, fmt.Errorf("uuid %q: length must be 22 (base64 of 16 bytes), is %d", s, len(s))
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 16 {
		return Uuid{}, fmt.Errorf("uuid %q: not the URL-safe base64 of 16 bytes", s)
	}
	return Uuid{Msb: int64(binary.BigEndian.Uint64(b[:8])), Lsb: int64(binary.BigEndian.Uint64(b[8:]))}, nil
}

// TopicIDFor derives a stable topic id from a topic name, for inputs that do
// not give one. Kafka draws topic ids at random when a topic is created; we
// hash the name instead so that the same input gives the same answer. Like
// Uuid.randomUuid, it avoids ZERO_UUID, METADATA_TOPIC_ID (msb 0, lsb 1) and
// ids whose string form starts with '-'.
func TopicIDFor(name string) Uuid {
	for salt := 0; ; salt++ {
		h := sha256.Sum256([]byte(fmt.Sprintf("rebalance-sim topic id %d:%s", salt, name)))
		u := Uuid{Msb: int64(binary.BigEndian.Uint64(h[:8])), Lsb: int64(binary.BigEndian.Uint64(h[8:16]))}
		if u.IsZero() || (u.Msb == 0 && u.Lsb == 1) || u.String()[0] == '-' {
			continue
		}
		return u
	}
}
