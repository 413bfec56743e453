// Package walvfs registers a SQLite VFS that writes each commit's WAL
// frames with one system call.
//
// SQLite appends a transaction to its write-ahead log one frame at a time,
// each frame in two writes: its 24-byte header, then the page. A wallet
// batch at a million customers changes five or six scattered pages per
// operation, so the single writer spent more time in those writes than in
// SQL (12 pwrite calls per operation; on this kind of virtual machine, a
// system call costs microseconds).
//
// The VFS is SQLite's default one with the WAL's writes gathered: writes
// that continue one another are kept in memory and reach the file in one
// write when the transaction's commit frame is complete, before SQLite
// publishes the new frames to other connections, which happens only once
// its writes have returned. Anything else that touches the file (a read, a
// sync, a truncation, its size, a write elsewhere, closing it) first writes
// what is kept. So the file receives the same bytes in the same order, and
// a reader or a crash sees what it would have seen with the default VFS:
// frames are visible only after their commit, and a commit that did not
// reach the file is absent in both. Every other file, and every other
// method of the WAL's, is the default VFS's own.
package walvfs

import (
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Name is the VFS's name, for a DSN's vfs parameter.
const Name = "mobidesk-wal"

const (
	// frameHeader is the size of a WAL frame's header; its bytes 4-7 are
	// the database's size after the commit for a commit frame, else 0.
	frameHeader = 24
	// maxKept bounds what is kept in memory: a larger transaction is
	// written in several calls.
	maxKept = 8 << 20
	// maxWrite is the most the default VFS writes in one call: it masks a
	// write's length with 0x1ffff.
	maxWrite = 0x1ffff
)

var (
	once     sync.Once
	errReg   error
	base     *sqlite3.Tsqlite3_vfs // the default VFS
	stateOff uintptr               // where a WAL file's state follows the default VFS's file

	writes atomic.Int64 // calls to the default VFS's write, for the tests

	methodsMu sync.Mutex
	methods   = map[uintptr]*sqlite3.Tsqlite3_io_methods{} // ours, by the default VFS's methods they wrap
)

// state is what the VFS adds to an open WAL file, after the default VFS's
// own file structure, in memory SQLite allocates zeroed for the file.
type state struct {
	under  uintptr // the default VFS's methods for the file
	buf    uintptr // kept bytes, allocated with libc
	cap    int64
	n      int64 // bytes kept
	off    int64 // the file offset of the first kept byte
	commit int32 // the last write was a commit frame's header
}

// Writes is how many writes the VFS has made to WAL files so far.
func Writes() int64 { return writes.Load() }

// Register registers the VFS under Name; it is safe to call more than once.
func Register() error {
	once.Do(func() { errReg = register() })
	return errReg
}

func register() error {
	tls := libc.NewTLS()
	defer tls.Close()
	p := sqlite3.Xsqlite3_vfs_find(tls, 0)
	if p == 0 {
		return fmt.Errorf("walvfs: no default VFS")
	}
	base = (*sqlite3.Tsqlite3_vfs)(ptr(p))
	stateOff = (uintptr(base.FszOsFile) + 7) &^ 7

	name, err := libc.CString(Name)
	if err != nil {
		return err
	}
	v := (*sqlite3.Tsqlite3_vfs)(ptr(libc.Xcalloc(tls, 1, libc.Tsize_t(unsafe.Sizeof(sqlite3.Tsqlite3_vfs{})))))
	if v == nil {
		return fmt.Errorf("walvfs: out of memory")
	}
	*v = *base
	v.FpNext = 0
	v.FzName = name
	v.FszOsFile = int32(stateOff + unsafe.Sizeof(state{}))
	*(*func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32)(unsafe.Pointer(&v.FxOpen)) = open
	if rc := sqlite3.Xsqlite3_vfs_register(tls, uintptr(unsafe.Pointer(v)), 0); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("walvfs: register: SQLite error %d", rc)
	}
	return nil
}

// open opens a file with the default VFS and, for a WAL, puts the methods
// that gather its writes in front of the default ones.
func open(tls *libc.TLS, _ uintptr, zName uintptr, pFile uintptr, flags int32, pOutFlags uintptr) int32 {
	rc := (*(*func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32)(unsafe.Pointer(&base.FxOpen)))(
		tls, uintptr(unsafe.Pointer(base)), zName, pFile, flags, pOutFlags)
	f := (*sqlite3.Tsqlite3_file)(ptr(pFile))
	if rc != sqlite3.SQLITE_OK || flags&sqlite3.SQLITE_OPEN_WAL == 0 || f.FpMethods == 0 {
		return rc
	}
	st := fileState(pFile)
	*st = state{under: f.FpMethods}
	f.FpMethods = uintptr(unsafe.Pointer(wrap(f.FpMethods)))
	return rc
}

// wrap returns the methods that gather writes in front of under.
func wrap(under uintptr) *sqlite3.Tsqlite3_io_methods {
	methodsMu.Lock()
	defer methodsMu.Unlock()
	if m := methods[under]; m != nil {
		return m
	}
	m := new(sqlite3.Tsqlite3_io_methods)
	*m = *(*sqlite3.Tsqlite3_io_methods)(ptr(under))
	*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&m.FxClose)) = closeFile
	*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxRead)) = read
	*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxWrite)) = write
	*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&m.FxTruncate)) = truncate
	*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxSync)) = syncFile
	*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&m.FxFileSize)) = fileSize
	*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&m.FxFileControl)) = fileControl
	methods[under] = m // kept here, the table outlives every file that uses it
	return m
}

// ptr is the pointer to an address in C memory, which modernc's SQLite and
// libc pass around as a uintptr: the Go collector neither moves nor frees
// it. (Written so that go vet, which cannot tell such an address from a
// Go pointer kept in a uintptr, accepts it.)
func ptr(a uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&a)) }

func fileState(pFile uintptr) *state { return (*state)(ptr(pFile + stateOff)) }

func underlying(pFile uintptr) *sqlite3.Tsqlite3_io_methods {
	return (*sqlite3.Tsqlite3_io_methods)(ptr(fileState(pFile).under))
}

// write keeps p's bytes when they continue what is kept, and writes them
// all once a commit frame is complete.
func write(tls *libc.TLS, pFile uintptr, p uintptr, amt int32, off int64) int32 {
	st := fileState(pFile)
	if st.n > 0 && off != st.off+st.n {
		if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
			return rc
		}
	}
	if st.n+int64(amt) > st.cap {
		c := max(2*st.cap, st.n+int64(amt), 64<<10)
		b := libc.Xrealloc(tls, st.buf, libc.Tsize_t(c))
		if b == 0 {
			return sqlite3.SQLITE_IOERR_NOMEM
		}
		st.buf, st.cap = b, c
	}
	pageOfCommit := st.commit != 0
	st.commit = 0
	if amt == frameHeader && binary.BigEndian.Uint32(unsafe.Slice((*byte)(ptr(p+4)), 4)) != 0 {
		// A commit frame's header: its page comes next, and with it the
		// end of the commit, unless the header is rewritten in place,
		// which SQLite does after the commit's frames when it recomputes
		// their checksums, with a read before each header that leaves
		// nothing kept. Such a header goes to the file now, as nothing
		// may follow it; so does the header of a commit of one frame,
		// which costs the default VFS's two calls.
		st.commit = 1
		if st.n == 0 {
			writes.Add(1)
			return xWrite(pFile)(tls, pFile, p, amt, off)
		}
	}
	if st.n == 0 {
		st.off = off
	}
	copy(unsafe.Slice((*byte)(ptr(st.buf+uintptr(st.n))), amt), unsafe.Slice((*byte)(ptr(p)), amt))
	st.n += int64(amt)
	if pageOfCommit || st.n >= maxKept {
		return flush(tls, pFile)
	}
	return sqlite3.SQLITE_OK
}

// xWrite is the default VFS's write of the file.
func xWrite(pFile uintptr) func(*libc.TLS, uintptr, uintptr, int32, int64) int32 {
	return *(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&underlying(pFile).FxWrite))
}

// flush writes what is kept with the default VFS, in as few calls as it
// takes.
func flush(tls *libc.TLS, pFile uintptr) int32 {
	st := fileState(pFile)
	n := st.n
	st.n, st.commit = 0, 0
	write := xWrite(pFile)
	for done := int64(0); done < n; {
		amt := min(n-done, maxWrite)
		writes.Add(1)
		if rc := write(tls, pFile, st.buf+uintptr(done), int32(amt), st.off+done); rc != sqlite3.SQLITE_OK {
			return rc
		}
		done += amt
	}
	return sqlite3.SQLITE_OK
}

func read(tls *libc.TLS, pFile uintptr, p uintptr, amt int32, off int64) int32 {
	if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&underlying(pFile).FxRead)))(
		tls, pFile, p, amt, off)
}

func truncate(tls *libc.TLS, pFile uintptr, size int64) int32 {
	if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&underlying(pFile).FxTruncate)))(
		tls, pFile, size)
}

func syncFile(tls *libc.TLS, pFile uintptr, flags int32) int32 {
	if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&underlying(pFile).FxSync)))(
		tls, pFile, flags)
}

func fileSize(tls *libc.TLS, pFile uintptr, pSize uintptr) int32 {
	if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&underlying(pFile).FxFileSize)))(
		tls, pFile, pSize)
}

func fileControl(tls *libc.TLS, pFile uintptr, op int32, pArg uintptr) int32 {
	if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&underlying(pFile).FxFileControl)))(
		tls, pFile, op, pArg)
}

// closeFile writes what is kept, frees the buffer and closes the file with
// the default VFS, which reports its own failure before a failed write's.
func closeFile(tls *libc.TLS, pFile uintptr) int32 {
	frc := flush(tls, pFile)
	st := fileState(pFile)
	under := underlying(pFile)
	if st.buf != 0 {
		libc.Xfree(tls, st.buf)
	}
	*st = state{}
	rc := (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&under.FxClose)))(tls, pFile)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return frc
}
