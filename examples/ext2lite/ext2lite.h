/* ext2lite.h: a simplified ext2-style file system over a disk image file.
 *
 * Written for invc (not taken from the kernel). One block group of 1 KiB blocks: block 0 is
 * the boot block, block 1 the superblock, block 2 the group descriptor, then the block bitmap,
 * the inode bitmap, the inode table and the data blocks. Inodes have 12 direct block pointers
 * and one single-indirect block; directories hold ext2's variable-length entries.
 *
 * In memory, the fs's inode (`struct ext2l_inode_info`) embeds a VFS-style `struct inode` and
 * is reached back from it with container_of (EXT2L_I); inodes are counted with a kref and kept
 * in a per-superblock cache list, which the superblock's mutex guards together with the
 * allocation bitmaps and free counts. The kernel types come from the host shim's headers. */
#ifndef EXT2LITE_H
#define EXT2LITE_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/kref.h>
#include <linux/list.h>

#define EXT2L_BLOCK_SIZE 1024
#define EXT2L_MAGIC 0xEF53
#define EXT2L_SB_BLOCK 1
#define EXT2L_GD_BLOCK 2
#define EXT2L_BLOCK_BITMAP 3
#define EXT2L_INODE_BITMAP 4
#define EXT2L_INODE_TABLE 5
#define EXT2L_ROOT_INO 2
#define EXT2L_FIRST_INO 11
#define EXT2L_INODE_SIZE 128
#define EXT2L_INODES_PER_BLOCK (EXT2L_BLOCK_SIZE / EXT2L_INODE_SIZE)
#define EXT2L_NDIR_BLOCKS 12
#define EXT2L_IND_BLOCK 12
#define EXT2L_N_BLOCKS 15
#define EXT2L_ADDR_PER_BLOCK (EXT2L_BLOCK_SIZE / 4)
#define EXT2L_MAX_FILE_BLOCKS (EXT2L_NDIR_BLOCKS + EXT2L_ADDR_PER_BLOCK)
/* A directory has at most this many blocks: adding to a full one is -ENOSPC. */
#define EXT2L_DIR_MAX_BLOCKS 2
#define EXT2L_NAME_LEN 60
#define EXT2L_MIN_BLOCKS 16
/* One bitmap block: at most 8192 blocks and 8192 inodes. */
#define EXT2L_MAX_BLOCKS (EXT2L_BLOCK_SIZE * 8)
#define EXT2L_MIN_INODES 16
#define EXT2L_MAX_INODES 1024
#define EXT2L_VALID_FS 1
#define EXT2L_ERROR_FS 2

#define EXT2L_S_IFMT 0170000
#define EXT2L_S_IFREG 0100000
#define EXT2L_S_IFDIR 0040000
#define EXT2L_S_IFLNK 0120000
#define EXT2L_FT_UNKNOWN 0
#define EXT2L_FT_REG_FILE 1
#define EXT2L_FT_DIR 2
#define EXT2L_FT_SYMLINK 7
/* A symlink target this long or shorter lives in i_block itself (a "fast" symlink). */
#define EXT2L_FAST_SYMLINK_LEN (EXT2L_N_BLOCKS * 4)
/* Symlinks followed in one lookup before -ELOOP. */
#define EXT2L_MAX_SYMLINKS 8

/* The block device: a disk image file. Tests make a block's reads or writes fail. */
struct ext2l_bdev {
	int fd;
	unsigned int nr_blocks;
	unsigned int reads, writes;
	/* A block number whose reads (writes) fail with -EIO, or -1. */
	int fail_read_block;
	int fail_write_block;
};

struct ext2l_sb_info;

/* The VFS part of an inode: what code outside the fs sees. */
struct inode {
	unsigned long i_ino;
	unsigned short i_mode;
	/* Guards i_size and i_nlink. */
	spinlock_t i_lock;
	unsigned int i_size;
	unsigned int i_nlink;
	struct ext2l_sb_info *i_sb;
};

/* The fs's own inode, with the VFS inode embedded. */
struct ext2l_inode_info {
	struct kref i_ref;
	/* Link in the superblock's inode cache (s_inodes). */
	struct list_head i_cache;
	/* Guards the block map, i_blocks and i_dirty. */
	struct mutex i_mutex;
	unsigned int i_data[EXT2L_N_BLOCKS];
	unsigned int i_blocks; /* 512-byte sectors, as in ext2 */
	unsigned int i_dirty;
	struct inode vfs_inode;
};

/* The in-memory superblock. */
struct ext2l_sb_info {
	struct ext2l_bdev *s_bdev;
	/* Geometry, read at mount and never changed. */
	unsigned int s_blocks_count, s_inodes_count, s_first_data_block;
	unsigned int s_block_bitmap, s_inode_bitmap, s_inode_table, s_itable_blocks;
	unsigned int s_first_ino, s_data_start, s_mnt_count;
	/* Set (WRITE_ONCE) when corruption is found, and read (READ_ONCE) by every operation
	 * that would write: the fs turns read-only, as ext2 does with errors=remount-ro. */
	int s_ro;
	/* Guards the bitmaps on disk, the counts below and the inode cache. */
	struct mutex s_lock;
	unsigned int s_free_blocks_count, s_free_inodes_count, s_dirs_count;
	unsigned int s_cached;
	struct list_head s_inodes;
};

/* What ext2l_fsck finds: the counts it rebuilt from the directory tree, and how many
 * inconsistencies between them and the bitmaps, the inodes and the superblock. */
struct ext2l_fsck {
	unsigned int errors;
	unsigned int files, dirs;
	unsigned int used_blocks, used_inodes;
};

/* What ext2l_stat reports. */
struct ext2l_stat {
	unsigned int ino, mode, size, nlink, blocks;
};

typedef int (*ext2l_filldir_t)(void *ctx, const char *name, int name_len, unsigned int ino,
			       unsigned int file_type);

#define EXT2L_I(inode) container_of(inode, struct ext2l_inode_info, vfs_inode)

/* The block device. */
int ext2l_bdev_open(struct ext2l_bdev *bdev, const char *path);
void ext2l_bdev_close(struct ext2l_bdev *bdev);
int ext2l_bdev_read(struct ext2l_bdev *bdev, unsigned int block, void *buf);
int ext2l_bdev_write(struct ext2l_bdev *bdev, unsigned int block, const void *buf);

/* Formatting and mounting. */
int ext2l_mkfs(const char *path, unsigned int blocks_count, unsigned int inodes_count);
int ext2l_mount(const char *path, struct ext2l_sb_info **out);
int ext2l_fill_super(struct ext2l_sb_info *sbi, struct ext2l_bdev *bdev);
int ext2l_sync_super(struct ext2l_sb_info *sbi, int valid);
int ext2l_unmount(struct ext2l_sb_info *sbi);
void ext2l_error(struct ext2l_sb_info *sbi);

/* Allocation; the _locked ones need s_lock held. */
int ext2l_new_block_locked(struct ext2l_sb_info *sbi, unsigned int *out);
int ext2l_free_block_locked(struct ext2l_sb_info *sbi, unsigned int block);
int ext2l_new_block(struct ext2l_sb_info *sbi, unsigned int *out);
int ext2l_free_block(struct ext2l_sb_info *sbi, unsigned int block);
int ext2l_new_inode(struct ext2l_sb_info *sbi, int is_dir, unsigned int *out);
int ext2l_free_inode(struct ext2l_sb_info *sbi, unsigned int ino, int is_dir);

/* Inodes and the inode cache. */
struct ext2l_inode_info *ext2l_iget(struct ext2l_sb_info *sbi, unsigned int ino, int *err);
void ext2l_iput(struct ext2l_inode_info *ei);
void ext2l_inode_release(struct kref *ref);
int ext2l_write_inode(struct ext2l_inode_info *ei);
int ext2l_bmap(struct ext2l_inode_info *ei, unsigned int lblk, int create, unsigned int *pblk);

/* Files. */
ssize_t ext2l_file_read(struct ext2l_inode_info *ei, unsigned int pos, void *buf, size_t len);
ssize_t ext2l_file_write(struct ext2l_inode_info *ei, unsigned int pos, const void *buf,
			 size_t len);
int ext2l_truncate(struct ext2l_inode_info *ei, unsigned int size);
int ext2l_punch(struct ext2l_inode_info *ei, unsigned int pos, unsigned int len);

/* Directories. */
int ext2l_lookup(struct ext2l_inode_info *dir, const char *name, unsigned int *ino);
int ext2l_add_entry(struct ext2l_inode_info *dir, const char *name, unsigned int ino,
		    unsigned int file_type);
int ext2l_remove_entry(struct ext2l_inode_info *dir, const char *name);
int ext2l_readdir(struct ext2l_inode_info *dir, ext2l_filldir_t filldir, void *ctx);
int ext2l_create(struct ext2l_inode_info *dir, const char *name, int is_dir, unsigned int *ino);
int ext2l_symlink(struct ext2l_inode_info *dir, const char *name, const char *target,
		  unsigned int *ino);
ssize_t ext2l_readlink(struct ext2l_inode_info *ei, char *buf, size_t size);
int ext2l_unlink(struct ext2l_inode_info *dir, const char *name);
int ext2l_rmdir(struct ext2l_inode_info *dir, const char *name);
int ext2l_link(struct ext2l_inode_info *dir, const char *name, struct ext2l_inode_info *ei);
int ext2l_rename(struct ext2l_inode_info *odir, const char *oldname,
		 struct ext2l_inode_info *ndir, const char *newname);

/* Consistency check of a mounted file system with no inode in use. */
int ext2l_fsck(struct ext2l_sb_info *sbi, struct ext2l_fsck *report);

/* Paths ("/a/b"), for the tests and tools. */
int ext2l_namei(struct ext2l_sb_info *sbi, const char *path, struct ext2l_inode_info **out);
int ext2l_create_path(struct ext2l_sb_info *sbi, const char *path, int is_dir);
int ext2l_unlink_path(struct ext2l_sb_info *sbi, const char *path);
int ext2l_rmdir_path(struct ext2l_sb_info *sbi, const char *path);
ssize_t ext2l_write_path(struct ext2l_sb_info *sbi, const char *path, unsigned int pos,
			 const void *buf, size_t len);
ssize_t ext2l_read_path(struct ext2l_sb_info *sbi, const char *path, unsigned int pos, void *buf,
			size_t len);
int ext2l_punch_path(struct ext2l_sb_info *sbi, const char *path, unsigned int pos,
		     unsigned int len);
int ext2l_truncate_path(struct ext2l_sb_info *sbi, const char *path, unsigned int size);
int ext2l_getattr(struct inode *inode, struct ext2l_stat *st);
int ext2l_stat_path(struct ext2l_sb_info *sbi, const char *path, struct ext2l_stat *st);
int ext2l_readdir_path(struct ext2l_sb_info *sbi, const char *path, ext2l_filldir_t filldir,
		       void *ctx);
int ext2l_link_path(struct ext2l_sb_info *sbi, const char *oldpath, const char *newpath);
int ext2l_rename_path(struct ext2l_sb_info *sbi, const char *oldpath, const char *newpath);
int ext2l_symlink_path(struct ext2l_sb_info *sbi, const char *target, const char *linkpath);
ssize_t ext2l_readlink_path(struct ext2l_sb_info *sbi, const char *path, char *buf, size_t size);
int ext2l_statfs(struct ext2l_sb_info *sbi, unsigned int *free_blocks, unsigned int *free_inodes);

#endif
