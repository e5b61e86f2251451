//! DMA: who may touch a buffer, in the types.
//!
//! A streaming buffer (`dma d: streaming DIR addr(a) len(n)` in the `.inv`) is a
//! [`DmaBuf<CpuOwned>`](DmaBuf) until it is mapped and a [`DmaBuf<DeviceOwned>`](DmaBuf)
//! until it is unmapped. Only a CPU-owned buffer has `as_slice`, `as_mut_slice` and `free`;
//! only a device-owned one has a bus address. So the CPU cannot read a buffer while the device
//! writes it, and a buffer cannot be freed while the device may still write to it: both are
//! compile errors. Dropping a CPU-owned buffer frees it; dropping a device-owned one leaks it
//! (it stays mapped and allocated) and reports the leak, since freeing it would hand memory
//! the device still writes to the allocator.
//!
//! Coherent memory (`dma d: coherent T[n]`) is shared with the device all the time:
//! [`CoherentArray`] and [`CoherentSlice`] give volatile [`read`](CoherentArray::read) and
//! [`write`](CoherentArray::write) of whole elements, never a `&T` or `&mut T` into it, and
//! only for [`Pod`] element types, for which any bytes the device writes are a valid value.

use core::cell::UnsafeCell;
use core::fmt;
use core::marker::PhantomData;
use core::mem::{ManuallyDrop, align_of, size_of};
use core::ptr::NonNull;

use crate::errno::Errno;
use crate::gfp::Gfp;
use crate::sys::{self, dma_addr_t};

/// A device that does DMA: the kernel's `struct device`, borrowed.
///
/// As in the kernel, a device outlives every mapping and coherent allocation made through it
/// (the driver core keeps it alive while a driver is bound); [`Device::from_raw`]'s contract
/// says so, which is what lets buffers keep a pointer to it.
#[repr(transparent)]
pub struct Device(UnsafeCell<sys::device>);

// SAFETY: the runtime only passes the pointer to the DMA primitives, which may be called from
// any thread; it never reads or writes the device's fields itself.
unsafe impl Sync for Device {}
// SAFETY: as above.
unsafe impl Send for Device {}

impl Device {
    /// The device at `ptr`.
    ///
    /// # Safety
    /// `ptr` points to a valid device that stays valid for `'a` and for as long as any mapping
    /// or coherent allocation made through the returned reference exists.
    pub unsafe fn from_raw<'a>(ptr: *mut sys::device) -> &'a Device {
        // SAFETY: valid for 'a by the caller's contract; `Device` is a transparent wrapper.
        unsafe { &*ptr.cast::<Device>() }
    }

    /// The C pointer.
    pub fn as_raw(&self) -> *mut sys::device {
        self.0.get()
    }
}

impl fmt::Debug for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Device").field(&self.as_raw()).finish()
    }
}

/// The direction of a streaming mapping (`enum dma_data_direction`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DmaDirection {
    /// The device reads and writes (`DMA_BIDIRECTIONAL`).
    Bidirectional = sys::DMA_BIDIRECTIONAL,
    /// The device reads (`DMA_TO_DEVICE`): the CPU fills the buffer before mapping it.
    ToDevice = sys::DMA_TO_DEVICE,
    /// The device writes (`DMA_FROM_DEVICE`): the CPU reads the buffer after unmapping it.
    FromDevice = sys::DMA_FROM_DEVICE,
}

/// Who owns a [`DmaBuf`]: [`CpuOwned`] or [`DeviceOwned`].
pub trait DmaState: sealed::Sealed {
    /// What dropping a buffer in this state does.
    #[doc(hidden)]
    fn drop_buf(buf: &mut DmaBuf<Self>)
    where
        Self: Sized;
}

/// The CPU owns the buffer: it may read, write, map or free it.
#[derive(Debug)]
pub enum CpuOwned {}
/// The device owns the buffer: it is mapped, and the CPU may only unmap it.
#[derive(Debug)]
pub enum DeviceOwned {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::CpuOwned {}
    impl Sealed for super::DeviceOwned {}
}

impl DmaState for CpuOwned {
    fn drop_buf(buf: &mut DmaBuf<CpuOwned>) {
        // SAFETY: a CPU-owned buffer is a live kmalloc allocation that only it owns.
        unsafe { sys::kfree(buf.cpu.as_ptr().cast()) }
    }
}

impl DmaState for DeviceOwned {
    fn drop_buf(buf: &mut DmaBuf<DeviceOwned>) {
        // The device may still write to it: freeing would hand that memory to the allocator.
        sys::report_leak(
            sys::INV_LEAK_DMA_DEVICE_OWNED,
            buf.cpu.as_ptr().cast(),
            buf.len,
        );
    }
}

/// A streaming DMA buffer of bytes from `kmalloc`, owned by the CPU or by the device as `S`
/// says. See the [module documentation](self).
pub struct DmaBuf<S: DmaState> {
    cpu: NonNull<u8>,
    len: usize,
    /// Meaningful only when device-owned.
    bus: dma_addr_t,
    dev: *mut sys::device,
    dir: DmaDirection,
    _state: PhantomData<S>,
}

// SAFETY: a `DmaBuf` is the only owner of its memory (like a `Box<[u8]>`), and the device
// pointer is only passed to the DMA primitives, which any thread may call.
unsafe impl<S: DmaState> Send for DmaBuf<S> {}
// SAFETY: through `&DmaBuf` only `&[u8]` and plain values are reachable.
unsafe impl<S: DmaState> Sync for DmaBuf<S> {}

impl<S: DmaState> DmaBuf<S> {
    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no bytes (never: buffers are at least one byte).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Its CPU address, for comparison and messages (not for access: that is what the state
    /// decides).
    pub fn cpu_addr(&self) -> *const u8 {
        self.cpu.as_ptr()
    }

    fn into_state<T: DmaState>(self, bus: dma_addr_t) -> DmaBuf<T> {
        let this = ManuallyDrop::new(self);
        DmaBuf {
            cpu: this.cpu,
            len: this.len,
            bus,
            dev: this.dev,
            dir: this.dir,
            _state: PhantomData,
        }
    }
}

impl<S: DmaState> Drop for DmaBuf<S> {
    fn drop(&mut self) {
        S::drop_buf(self);
    }
}

impl<S: DmaState> fmt::Debug for DmaBuf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DmaBuf")
            .field("state", &core::any::type_name::<S>())
            .field("cpu", &self.cpu)
            .field("len", &self.len)
            .field("bus", &self.bus)
            .finish()
    }
}

/// A failed [`DmaBuf::map`]: the error and the buffer, still owned by the CPU.
#[derive(Debug)]
pub struct MapError {
    /// Why the mapping failed.
    pub errno: Errno,
    /// The buffer, unchanged.
    pub buf: DmaBuf<CpuOwned>,
}

impl DmaBuf<CpuOwned> {
    /// Allocates a zeroed buffer of `len` bytes (`kzalloc`). `EINVAL` for zero bytes, `ENOMEM`
    /// if the allocation fails.
    pub fn alloc(len: usize, flags: Gfp) -> Result<Self, Errno> {
        if len == 0 {
            return Err(Errno::EINVAL);
        }
        // SAFETY: the caller's flags say whether the allocation may sleep; the shim checks that
        // against the context.
        let ptr = unsafe { sys::kzalloc(len, flags.as_raw()) };
        let cpu = NonNull::new(ptr.cast::<u8>()).ok_or(Errno::ENOMEM)?;
        // SAFETY: a fresh, zeroed, unmapped `kzalloc` allocation of `len > 0` bytes that
        // nothing else knows of.
        Ok(unsafe { Self::from_raw(cpu, len) })
    }

    /// Takes ownership of `len` initialised bytes at `cpu` that C allocated.
    ///
    /// # Safety
    /// `cpu` is the start of a live `kmalloc` allocation of at least `len > 0` initialised
    /// bytes, not mapped, which nothing else uses or frees from now on.
    pub unsafe fn from_raw(cpu: NonNull<u8>, len: usize) -> Self {
        DmaBuf {
            cpu,
            len,
            bus: sys::DMA_MAPPING_ERROR,
            dev: core::ptr::null_mut(),
            dir: DmaDirection::Bidirectional,
            _state: PhantomData,
        }
    }

    /// Gives up ownership: the start and length of the allocation, for C to keep.
    pub fn into_raw(self) -> (NonNull<u8>, usize) {
        let this = ManuallyDrop::new(self);
        (this.cpu, this.len)
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        sys::dma_assert_cpu_owned(self.cpu.as_ptr().cast(), self.len);
        // SAFETY: a CPU-owned buffer is `len` initialised bytes only it owns.
        unsafe { core::slice::from_raw_parts(self.cpu.as_ptr(), self.len) }
    }

    /// The bytes, to change.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        sys::dma_assert_cpu_owned(self.cpu.as_ptr().cast(), self.len);
        // SAFETY: as in `as_slice`, and `&mut self` makes the access exclusive.
        unsafe { core::slice::from_raw_parts_mut(self.cpu.as_ptr(), self.len) }
    }

    /// Hands the buffer to `dev` for a transfer in direction `dir` (`dma_map_single`). On
    /// failure the buffer comes back, still CPU-owned, with `EIO`.
    pub fn map(self, dev: &Device, dir: DmaDirection) -> Result<DmaBuf<DeviceOwned>, MapError> {
        let dev = dev.as_raw();
        // SAFETY: `dev` is valid for as long as mappings through it (the `Device` contract);
        // the buffer is one live kmalloc allocation that the CPU stops touching, since `self`
        // is consumed.
        let bus = unsafe { sys::dma_map_single(dev, self.cpu.as_ptr().cast(), self.len, dir as _) };
        // SAFETY: as above.
        if unsafe { sys::dma_mapping_error(dev, bus) } != 0 {
            return Err(MapError {
                errno: Errno::EIO,
                buf: self,
            });
        }
        let mut mapped = self.into_state::<DeviceOwned>(bus);
        mapped.dev = dev;
        mapped.dir = dir;
        Ok(mapped)
    }

    /// Frees the buffer (`kfree`). Dropping it does the same; this says so.
    pub fn free(self) {
        drop(self);
    }
}

impl DmaBuf<DeviceOwned> {
    /// The bus address the device uses (to write into a descriptor).
    pub fn dma_addr(&self) -> dma_addr_t {
        self.bus
    }

    /// The direction it is mapped in.
    pub fn direction(&self) -> DmaDirection {
        self.dir
    }

    /// Takes the buffer back from the device (`dma_unmap_single`), once the device has
    /// finished with it (for example, its descriptor has completed).
    pub fn unmap(self) -> DmaBuf<CpuOwned> {
        // SAFETY: the values are those of the live mapping `map` made; `self` is consumed, so
        // it is unmapped once.
        unsafe { sys::dma_unmap_single(self.dev, self.bus, self.len, self.dir as _) };
        self.into_state::<CpuOwned>(sys::DMA_MAPPING_ERROR)
    }

    /// Gives up ownership of a mapped buffer, for C to keep: CPU address, length and bus
    /// address (the `.inv`'s `addr(..)` and `len(..)` fields).
    pub fn into_raw_mapped(self) -> (NonNull<u8>, usize, dma_addr_t) {
        let this = ManuallyDrop::new(self);
        (this.cpu, this.len, this.bus)
    }

    /// Takes ownership of a buffer C mapped.
    ///
    /// # Safety
    /// `cpu`, `len` and `bus` describe a live mapping of a whole `kmalloc` allocation made by
    /// `dma_map_single` on `dev` in direction `dir`, which nothing else unmaps or frees from now
    /// on; `dev` outlives it.
    pub unsafe fn from_raw_mapped(
        cpu: NonNull<u8>,
        len: usize,
        bus: dma_addr_t,
        dev: &Device,
        dir: DmaDirection,
    ) -> Self {
        DmaBuf {
            cpu,
            len,
            bus,
            dev: dev.as_raw(),
            dir,
            _state: PhantomData,
        }
    }
}

/// Plain data: every bit pattern of its size is a valid value, so a device may write any
/// bytes into it. Implemented for the integer types, `f32`, `f64` and arrays of `Pod`.
///
/// # Safety
/// Every bit pattern of `size_of::<Self>()` bytes is a valid value, and the type has no
/// padding and no pointers whose validity matters. Generated code implements it for C structs
/// made only of such fields.
pub unsafe trait Pod: Copy + 'static {}

macro_rules! pod {
    ($($ty:ty),*) => {
        $(
            // SAFETY: every bit pattern is a valid value of this primitive type.
            unsafe impl Pod for $ty {}
        )*
    };
}

pod!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64
);

// SAFETY: an array of Pod has no padding and every bit pattern of each element is valid.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}

/// The alignment of coherent allocations.
const COHERENT_ALIGN: usize = 64;

/// `len` elements of `T` in coherent DMA memory (`dma_alloc_coherent`), owned: freed with
/// `dma_free_coherent` when dropped, which must happen only once the device has stopped using
/// it. Access is by volatile whole-element [`read`](Self::read) and [`write`](Self::write);
/// `Send` but not `Sync`, since two threads writing through `&self` would race.
pub struct CoherentArray<T: Pod> {
    cpu: NonNull<T>,
    len: usize,
    bus: dma_addr_t,
    dev: *mut sys::device,
    _not_sync: PhantomData<UnsafeCell<T>>,
}

// SAFETY: the array owns its memory, and the device pointer is only passed to the DMA
// primitives, which any thread may call.
unsafe impl<T: Pod + Send> Send for CoherentArray<T> {}

impl<T: Pod> CoherentArray<T> {
    /// Allocates `len` zeroed elements shared with `dev`. `EINVAL` for zero elements, a zero-
    /// sized `T`, or an alignment over 64; `ENOMEM` if the allocation fails.
    pub fn alloc(dev: &Device, len: usize, flags: Gfp) -> Result<Self, Errno> {
        if len == 0 || size_of::<T>() == 0 || align_of::<T>() > COHERENT_ALIGN {
            return Err(Errno::EINVAL);
        }
        let bytes = len.checked_mul(size_of::<T>()).ok_or(Errno::ENOMEM)?;
        let mut bus: dma_addr_t = 0;
        // SAFETY: `dev` is valid for as long as allocations through it (the `Device`
        // contract); `bus` is valid for writes.
        let cpu = unsafe { sys::dma_alloc_coherent(dev.as_raw(), bytes, &mut bus, flags.as_raw()) };
        let cpu = NonNull::new(cpu.cast::<T>()).ok_or(Errno::ENOMEM)?;
        Ok(CoherentArray {
            cpu,
            len,
            bus,
            dev: dev.as_raw(),
            _not_sync: PhantomData,
        })
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no elements (never: arrays are at least one element).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bus address the device uses.
    pub fn dma_addr(&self) -> dma_addr_t {
        self.bus
    }

    /// Reads element `i` with a volatile read. Panics if `i` is out of bounds.
    pub fn read(&self, i: usize) -> T {
        self.view().read(i)
    }

    /// Writes element `i` with a volatile write. Panics if `i` is out of bounds.
    pub fn write(&self, i: usize, value: T) {
        self.view().write(i, value)
    }

    /// A borrowed view of the elements.
    pub fn view(&self) -> CoherentSlice<'_, T> {
        CoherentSlice {
            cpu: self.cpu,
            len: self.len,
            _borrow: PhantomData,
        }
    }

    /// Frees the memory (`dma_free_coherent`). Dropping it does the same; this says so.
    pub fn free(self) {
        drop(self);
    }
}

impl<T: Pod> Drop for CoherentArray<T> {
    fn drop(&mut self) {
        // SAFETY: the values are those `alloc` got; `self` is dropped once.
        unsafe {
            sys::dma_free_coherent(
                self.dev,
                self.len * size_of::<T>(),
                self.cpu.as_ptr().cast(),
                self.bus,
            )
        }
    }
}

impl<T: Pod> fmt::Debug for CoherentArray<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoherentArray")
            .field("cpu", &self.cpu)
            .field("len", &self.len)
            .field("bus", &self.bus)
            .finish()
    }
}

/// A borrowed view of `len` elements of `T` in coherent DMA memory, such as a ring a C struct
/// points to: volatile whole-element access only. Neither `Send` nor `Sync`.
#[derive(Clone, Copy)]
pub struct CoherentSlice<'a, T: Pod> {
    cpu: NonNull<T>,
    len: usize,
    _borrow: PhantomData<&'a UnsafeCell<T>>,
}

impl<'a, T: Pod> CoherentSlice<'a, T> {
    /// The `len` elements at `cpu`.
    ///
    /// # Safety
    /// `cpu` is aligned and points to `len` elements of coherent DMA memory that stay allocated
    /// for `'a`, and which no other thread writes through the CPU during `'a` (the device may).
    pub unsafe fn from_raw(cpu: NonNull<T>, len: usize) -> Self {
        CoherentSlice {
            cpu,
            len,
            _borrow: PhantomData,
        }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Reads element `i` with a volatile read. Panics if `i` is out of bounds.
    pub fn read(&self, i: usize) -> T {
        assert!(
            i < self.len,
            "coherent DMA index {i} out of bounds ({})",
            self.len
        );
        // SAFETY: in bounds and aligned; the memory is allocated for 'a; any bytes are a valid
        // `T` (Pod), so whatever the device wrote reads as a value.
        unsafe { self.cpu.as_ptr().add(i).read_volatile() }
    }

    /// Writes element `i` with a volatile write. Panics if `i` is out of bounds.
    pub fn write(&self, i: usize, value: T) {
        assert!(
            i < self.len,
            "coherent DMA index {i} out of bounds ({})",
            self.len
        );
        // SAFETY: in bounds, aligned and allocated for 'a; no other CPU thread writes it (the
        // view is neither Send nor Sync, and `from_raw`'s contract covers the rest).
        unsafe { self.cpu.as_ptr().add(i).write_volatile(value) }
    }
}

impl<T: Pod> fmt::Debug for CoherentSlice<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoherentSlice")
            .field("cpu", &self.cpu)
            .field("len", &self.len)
            .finish()
    }
}
