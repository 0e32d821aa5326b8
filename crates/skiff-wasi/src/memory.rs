//! Checked access to guest memory.
//!
//! Every pointer a guest passes is checked against the memory's current size
//! before it is used: a bad one is `EFAULT`, never a host fault. Structures
//! are read and written field by field in little-endian order, so the host
//! never assumes anything about the guest's alignment or layout.

use crate::abi::Errno;
use crate::abi::layout::IOVEC_SIZE;

/// A guest's linear memory for the length of one WASI call.
pub(crate) struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMemory<'a> {
    pub fn new(bytes: &'a mut [u8]) -> GuestMemory<'a> {
        GuestMemory { bytes }
    }

    fn range(&self, ptr: u32, len: u32) -> Result<std::ops::Range<usize>, Errno> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::Fault)?;
        if end > self.bytes.len() {
            return Err(Errno::Fault);
        }
        Ok(start..end)
    }

    pub fn slice(&self, ptr: u32, len: u32) -> Result<&[u8], Errno> {
        let range = self.range(ptr, len)?;
        Ok(&self.bytes[range])
    }

    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
        let range = self.range(ptr, len)?;
        Ok(&mut self.bytes[range])
    }

    fn array<const N: usize>(&self, ptr: u32) -> Result<[u8; N], Errno> {
        Ok(self.slice(ptr, N as u32)?.try_into().expect("slice has length N"))
    }

    pub fn read_u8(&self, ptr: u32) -> Result<u8, Errno> {
        Ok(self.array::<1>(ptr)?[0])
    }
    pub fn read_u16(&self, ptr: u32) -> Result<u16, Errno> {
        Ok(u16::from_le_bytes(self.array(ptr)?))
    }
    pub fn read_u32(&self, ptr: u32) -> Result<u32, Errno> {
        Ok(u32::from_le_bytes(self.array(ptr)?))
    }
    pub fn read_u64(&self, ptr: u32) -> Result<u64, Errno> {
        Ok(u64::from_le_bytes(self.array(ptr)?))
    }

    pub fn write_bytes(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
        self.slice_mut(ptr, u32::try_from(bytes.len()).map_err(|_| Errno::Fault)?)?.copy_from_slice(bytes);
        Ok(())
    }
    pub fn write_u8(&mut self, ptr: u32, v: u8) -> Result<(), Errno> {
        self.write_bytes(ptr, &[v])
    }
    pub fn write_u16(&mut self, ptr: u32, v: u16) -> Result<(), Errno> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }
    pub fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }
    pub fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.write_bytes(ptr, &v.to_le_bytes())
    }

    /// A UTF-8 string (a path): `EILSEQ` if it is not UTF-8, as Wasmtime gives.
    pub fn read_str(&self, ptr: u32, len: u32) -> Result<&str, Errno> {
        std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::Ilseq)
    }

    /// The `(buf, len)` pairs of an iovec array, each checked to lie in memory.
    pub fn iovecs(&self, ptr: u32, count: u32) -> Result<Vec<(u32, u32)>, Errno> {
        let size = count.checked_mul(IOVEC_SIZE).ok_or(Errno::Fault)?;
        self.range(ptr, size)?;
        let mut iovs = Vec::with_capacity(count as usize);
        for i in 0..count {
            let at = ptr + i * IOVEC_SIZE;
            let (buf, len) = (self.read_u32(at)?, self.read_u32(at + 4)?);
            self.range(buf, len)?;
            iovs.push((buf, len));
        }
        Ok(iovs)
    }

    /// The buffers of a ciovec array, for a vectored write straight from guest memory.
    pub fn io_slices(&self, iovs: &[(u32, u32)]) -> Vec<std::io::IoSlice<'_>> {
        iovs.iter()
            .map(|&(buf, len)| std::io::IoSlice::new(self.slice(buf, len).expect("iovecs were checked")))
            .collect()
    }

    /// The buffers of an iovec array, lent out at once for a vectored read
    /// straight into guest memory, in the guest's order.
    ///
    /// Overlapping buffers cannot be lent out as separate `&mut` slices: a
    /// guest that passes them gets a short read into the first non-empty one,
    /// which POSIX allows for any read.
    pub fn io_slices_mut(&mut self, iovs: &[(u32, u32)]) -> Vec<std::io::IoSliceMut<'_>> {
        let mut by_address: Vec<usize> = (0..iovs.len()).filter(|&i| iovs[i].1 > 0).collect();
        by_address.sort_by_key(|&i| iovs[i].0);
        let end = |i: usize| iovs[i].0 as usize + iovs[i].1 as usize;
        if by_address.windows(2).any(|w| end(w[0]) > iovs[w[1]].0 as usize) {
            by_address.sort_unstable();
            by_address.truncate(1);
        }
        let mut lent: Vec<Option<&mut [u8]>> = iovs.iter().map(|_| None).collect();
        let mut rest: &mut [u8] = self.bytes;
        let mut rest_start = 0usize;
        for &i in &by_address {
            let (buf, len) = (iovs[i].0 as usize, iovs[i].1 as usize);
            let tail = std::mem::take(&mut rest).split_at_mut(buf - rest_start).1;
            let (slice, after) = tail.split_at_mut(len);
            lent[i] = Some(slice);
            rest = after;
            rest_start = buf + len;
        }
        lent.into_iter().flatten().map(std::io::IoSliceMut::new).collect()
    }
}
